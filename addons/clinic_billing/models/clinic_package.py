from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class ClinicPackage(models.Model):
    """Prepaid sessions a client bought (an invoice line of a package product). Completed visits of
    the package's services use a session instead of being charged; ``sessions_used`` changes only
    through a conditional update with a usage line, so two visits completed at once cannot both use
    the last session."""
    _name = "clinic.package"
    _description = "Prepaid Package"
    _check_company_auto = True
    _inherit = ["mail.thread"]
    _order = "date_expiry, id"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, tracking=True)
    product_id = fields.Many2one("product.product", string="Package", required=True, readonly=True)
    service_ids = fields.Many2many("clinic.service", string="Services", help="None means any service.")
    sessions_total = fields.Integer(string="Sessions", required=True, tracking=True)
    sessions_used = fields.Integer(readonly=True, copy=False, default=0)
    sessions_remaining = fields.Integer(compute="_compute_sessions_remaining", store=True)
    date_start = fields.Date(string="Bought On", required=True, default=fields.Date.context_today)
    date_expiry = fields.Date(string="Valid Until", required=True, tracking=True)
    move_line_id = fields.Many2one("account.move.line", string="Invoice Line", readonly=True, index="btree_not_null")
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    usage_ids = fields.One2many("clinic.usage", "package_id", string="Usage")
    state = fields.Selection(
        [("active", "Active"), ("used", "Used Up"), ("expired", "Expired")], compute="_compute_state",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    _sql_constraints = [
        ("sessions_in_range", "check (sessions_total >= 0 and sessions_used >= 0)", "Sessions cannot be negative."),
        # One package per invoice line, even when two transactions settle the same sale at once.
        ("move_line_unique", "unique (move_line_id)", "This invoice line already gave its package."),
    ]

    @api.depends("product_id", "partner_id")
    def _compute_name(self):
        for package in self:
            package.name = f"{package.product_id.name or ''} – {package.partner_id.name or ''}"

    @api.depends("sessions_total", "sessions_used")
    def _compute_sessions_remaining(self):
        for package in self:
            package.sessions_remaining = package.sessions_total - package.sessions_used

    @api.depends("sessions_remaining", "date_expiry")
    @api.depends_context("date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for package in self:
            package.state = "expired" if package.date_expiry < today else (
                "used" if package.sessions_remaining <= 0 else "active"
            )

    @api.model_create_multi
    def create(self, vals_list):
        if any("sessions_used" in vals for vals in vals_list) and not self.env.su:
            raise UserError(self.env._("A new package starts with no session used."))
        return super().create(vals_list)

    def write(self, vals):
        if {"sessions_used", "move_line_id", "product_id"} & set(vals) and not self.env.su:
            raise UserError(self.env._("Sessions are used by completed visits; the sale is the invoice's."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_never_sold(self):
        if self.usage_ids or self.move_line_id:
            raise UserError(self.env._("A package that was sold or used is a financial record: archive it."))

    @api.model
    def _create_from_invoice_lines(self, lines):
        """The packages sold by these posted customer-invoice lines (once per line)."""
        lines = lines.filtered(lambda ml: ml.product_id.clinic_package_sessions > 0 and ml.quantity > 0)
        sold = set(self.with_context(active_test=False).search([("move_line_id", "in", lines.ids)]).move_line_id.ids)
        vals_list = []
        for line in lines.filtered(lambda ml: ml.id not in sold):
            template = line.product_id.product_tmpl_id
            start = line.move_id.invoice_date or fields.Date.context_today(self)
            vals_list.append({
                "partner_id": line.move_id.partner_id.id, "product_id": line.product_id.id,
                "service_ids": [(6, 0, template.clinic_package_service_ids.ids)],
                "sessions_total": int(line.quantity) * template.clinic_package_sessions,
                "date_start": start,
                "date_expiry": start + timedelta(days=template.clinic_package_validity_days or 365),
                "move_line_id": line.id, "company_id": line.company_id.id,
            })
        return self.create(vals_list)

    @api.model
    def _find_for(self, partner, service, day, company):
        """The client's package (sold by ``company``) a visit of ``service`` on ``day`` can use: the
        first to expire with sessions left."""
        return self.search([
            ("partner_id", "=", partner.id), ("company_id", "=", company.id), ("sessions_remaining", ">", 0),
            ("date_start", "<=", day),
            ("date_expiry", ">=", day), "|", ("service_ids", "=", False), ("service_ids", "in", service.ids),
        ], order="date_expiry, id", limit=1)

    def _consume(self, appointment, day):
        """Use one session for ``appointment``; False when none is left."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            "UPDATE clinic_package SET sessions_used = sessions_used + 1 "
            "WHERE id = %s AND sessions_used < sessions_total RETURNING id", self.id,
        ))
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset(["sessions_used"])
        self.modified(["sessions_used"])
        # sudo: usage lines are written only here and by their reversal (read-only for everyone).
        self.env["clinic.usage"].sudo().create({
            "package_id": self.id, "appointment_id": appointment.id, "date": day, "visits": 1, "kind": "visit",
            "company_id": self.company_id.id,
        })
        return True

