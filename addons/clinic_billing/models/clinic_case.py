from odoo import fields, models

from odoo.addons.clinic_scheduling.models.clinic_appointment import STAFF


class ClinicCase(models.Model):
    _inherit = "clinic.case"

    authorization_ids = fields.One2many("clinic.authorization", "case_id", string="Authorizations", groups=STAFF)
    authorization_count = fields.Integer(compute="_compute_authorization_count", groups=STAFF)

    def _compute_authorization_count(self):
        counts = dict(self.env["clinic.authorization"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]
        ))
        for case in self:
            case.authorization_count = counts.get(case, 0)

    def action_view_authorizations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_billing.clinic_authorization_action")
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id, "active_test": False}
        return action
