from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClinicCoverage(models.Model):
    _name = "clinic.coverage"
    _description = "Insurance Coverage"
    _check_company_auto = True
    _inherit = ["mail.thread"]
    _order = "partner_id, priority, date_start desc, id"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, check_company=True
    )
    payer_id = fields.Many2one(
        "res.partner", string="Payer", required=True, tracking=True, check_company=True,
        domain="[('is_company', '=', True)]",
        help="The insurer or third party that pays for covered visits.",
    )
    policy_number = fields.Char(required=True, tracking=True)
    member_id = fields.Char(string="Member ID", tracking=True)
    group_number = fields.Char()
    policy_holder = fields.Char(help="When the client is a dependant on someone else's plan.")
    priority = fields.Selection(
        [("1", "Primary"), ("2", "Secondary")], default="1", required=True, tracking=True
    )
    date_start = fields.Date(string="Valid From", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="Valid Until", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    note = fields.Text()
    is_valid_today = fields.Boolean(compute="_compute_is_valid_today", string="In Force Today")

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for coverage in self:
            if coverage.date_end and coverage.date_end < coverage.date_start:
                raise ValidationError(self.env._("A coverage cannot end before it starts."))

    @api.depends("date_start", "date_end", "active")
    def _compute_is_valid_today(self):
        today = fields.Date.context_today(self)
        for coverage in self:
            coverage.is_valid_today = coverage.active and coverage._covers(today)

    def _covers(self, day):
        self.ensure_one()
        return self.date_start <= day and (not self.date_end or day <= self.date_end)

    @api.depends("payer_id", "policy_number", "partner_id")
    def _compute_display_name(self):
        for coverage in self:
            coverage.display_name = f"{coverage.payer_id.name or ''} · {coverage.policy_number or ''}"

    @api.constrains("partner_id", "payer_id", "policy_number", "priority", "date_start", "date_end", "active")
    def _check_no_overlapping_priority(self):
        """A client has at most one primary (and one secondary) policy in force on any day."""
        domain = [
            ("partner_id", "in", self.partner_id.ids), ("id", "not in", self.ids), ("active", "=", True),
        ]
        others = self.search(domain)
        for coverage in self.filtered("active"):
            for other in others.filtered(
                lambda o, c=coverage: o.partner_id == c.partner_id and o.priority == c.priority
            ):
                starts_before_other_ends = not other.date_end or coverage.date_start <= other.date_end
                ends_after_other_starts = not coverage.date_end or coverage.date_end >= other.date_start
                if starts_before_other_ends and ends_after_other_starts:
                    raise ValidationError(self.env._(
                        "%(client)s already has a %(priority)s coverage in force over these dates (%(other)s). "
                        "End it first, or make this one secondary.",
                        client=coverage.partner_id.name,
                        priority=dict(self._fields["priority"]._description_selection(self.env))[coverage.priority],
                        other=other.display_name,
                    ))

    @api.model
    def _get_coverages(self, partners, day):
        """{partner: coverages in force on ``day`` by priority} for many clients in one query."""
        coverages = self.search([
            ("partner_id", "in", partners.ids), ("date_start", "<=", day),
            "|", ("date_end", "=", False), ("date_end", ">=", day),
        ])
        result = {partner: self.browse() for partner in partners}
        for coverage in coverages.sorted("priority"):
            result[coverage.partner_id] |= coverage
        return result
