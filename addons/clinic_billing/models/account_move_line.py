from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    clinic_appointment_id = fields.Many2one(
        "clinic.appointment", string="Appointment", index="btree_not_null", copy=True, readonly=True,
    )
    clinic_case_id = fields.Many2one(
        "clinic.case", string="Case File", index="btree_not_null", copy=True, readonly=True,
    )
    clinic_authorization_id = fields.Many2one(
        "clinic.authorization", string="Authorization", index="btree_not_null", copy=True, readonly=True,
    )
    clinic_charge_id = fields.Many2one("clinic.charge", string="Clinic Charge", index="btree_not_null", copy=False,
                                       readonly=True)

    @api.ondelete(at_uninstall=False)
    def _unlink_clinic_charge(self):
        """A visit's line taken off its draft by hand: the charge no longer bills anything, so the
        visit shows again among those not charged."""
        self.clinic_charge_id.filtered(lambda c: c.state == "charged")._forget(
            self.env._("its invoice line was deleted")
        )
