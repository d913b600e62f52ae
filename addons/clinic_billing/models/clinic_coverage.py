from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


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
        domain="[('clinic_is_payer', '=', True)]",
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
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_share = fields.Float(
        string="Payer Share (%)", default=100.0, tracking=True,
        help="The part of each visit's price (after co-pay and deductible) the payer pays.",
    )
    copay = fields.Monetary(
        string="Co-pay", tracking=True, help="A fixed amount the client pays for each visit.",
    )
    deductible = fields.Monetary(
        string="Yearly Deductible", tracking=True,
        help="What the client pays each calendar year before the payer starts paying.",
    )
    annual_max = fields.Monetary(
        string="Yearly Maximum", tracking=True,
        help="The most the payer pays in a calendar year under this policy; 0 for no maximum.",
    )
    charge_ids = fields.One2many("clinic.charge", "coverage_id", string="Charges")
    is_valid_today = fields.Boolean(compute="_compute_is_valid_today", string="In Force Today")

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for coverage in self:
            if coverage.date_end and coverage.date_end < coverage.date_start:
                raise ValidationError(self.env._("A coverage cannot end before it starts."))

    @api.constrains("payer_share", "copay", "deductible", "annual_max", "payer_id")
    def _check_amounts(self):
        for coverage in self:
            if not 0.0 <= coverage.payer_share <= 100.0:
                raise ValidationError(self.env._("The payer's share is a percentage between 0 and 100."))
            if min(coverage.copay, coverage.deductible, coverage.annual_max) < 0.0:
                raise ValidationError(self.env._("Co-pay, deductible and yearly maximum cannot be negative."))
            if not coverage.payer_id.sudo().clinic_is_payer:  # sudo: a flag staff-only fields hide
                raise ValidationError(self.env._(
                    "%s is not a payer: tick 'Clinic Payer' on its contact first.", coverage.payer_id.name
                ))

    def _get_split_terms(self, day):
        """The inputs of :func:`..tools.split.split_price` for these coverages (in this order) on
        ``day``: what is left of each one's deductible and maximum in that calendar year.

        The coverages' rows are locked for the transaction first (a no-op update): two visits of
        the same client charged at once must not both use the last of a deductible or maximum."""
        if not self:
            return []
        self.env.cr.execute(SQL(
            "UPDATE clinic_coverage SET write_date = write_date WHERE id IN %s", tuple(self.ids)
        ))
        year_start, year_end = day.replace(month=1, day=1), day.replace(month=12, day=31)
        used = {
            coverage: (amount, deductible)
            # sudo: sums of this year's charges of these coverages, for the split (not shown).
            for coverage, amount, deductible in self.env["clinic.charge"].sudo()._read_group(
                [("coverage_id", "in", self.ids), ("state", "=", "charged"),
                 ("date", ">=", year_start), ("date", "<=", year_end)],
                ["coverage_id"], ["amount:sum", "deductible_amount:sum"],
            )
        }
        terms = []
        for coverage in self:
            paid, deducted = used.get(coverage, (0.0, 0.0))
            terms.append({
                "key": coverage.id, "percent": coverage.payer_share, "copay": coverage.copay,
                "deductible_left": coverage.deductible - deducted,
                "max_left": coverage.annual_max - paid if coverage.annual_max else None,
            })
        return terms

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
