from odoo import fields, models

from odoo.addons.clinic_scheduling.models.clinic_appointment import STAFF


class ResPartner(models.Model):
    _inherit = "res.partner"

    clinic_coverage_ids = fields.One2many(
        "clinic.coverage", "partner_id", string="Insurance Policies", groups=STAFF,
    )
    clinic_coverage_count = fields.Integer(
        string="Coverages", compute="_compute_clinic_coverage_count", groups=STAFF,
    )

    def _compute_clinic_coverage_count(self):
        counts = dict(self.env["clinic.coverage"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        ))
        for partner in self:
            partner.clinic_coverage_count = counts.get(partner, 0)

    def action_view_clinic_coverages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_billing.clinic_coverage_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "active_test": False}
        return action
