from odoo import api, fields, models

from ..tools import validation


class ClinicCase(models.Model):
    _name = "clinic.case"
    _description = "Case File"
    _check_company_auto = True
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, index="trigram",
        default=lambda self: self.env._("New"),
    )
    title = fields.Char(required=True, tracking=True, help="e.g. 'Left knee, post-op rehab'.")
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, check_company=True
    )
    provider_id = fields.Many2one("clinic.provider", string="Lead Provider", tracking=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True
    )
    date_open = fields.Date(string="Opened", required=True, default=fields.Date.context_today, tracking=True)
    date_closed = fields.Date(string="Closed On", readonly=True, tracking=True)
    referral = fields.Char(string="Referred By")
    appointment_ids = fields.One2many("clinic.appointment", "case_id", string="Appointments")
    appointment_count = fields.Integer(compute="_compute_appointment_count")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("clinic.case") or "/"
        return super().create(vals_list)

    def _compute_appointment_count(self):
        counts = dict(
            self.env["clinic.appointment"]._read_group([("case_id", "in", self.ids)], ["case_id"], ["__count"])
        )
        for case in self:
            case.appointment_count = counts.get(case, 0)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for case in self:
            case.display_name = f"{case.name} – {case.title}" if case.title else case.name

    def action_close(self):
        self.write({"state": "closed", "date_closed": fields.Date.context_today(self)})

    def action_reopen(self):
        self.write({"state": "open", "date_closed": False})

    def action_view_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_scheduling.clinic_appointment_action")
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    @api.constrains("title")
    def _check_text_sizes(self):
        for record in self:
            for name in ("title",):
                validation.check_text(self.env, record[name], self._fields[name].string, validation.MAX_NAME)
