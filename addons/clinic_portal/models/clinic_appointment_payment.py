from odoo import models

from odoo.addons.clinic_billing.models.clinic_authorization import SCHEDULED_STATES


class ClinicAppointment(models.Model):
    _inherit = "clinic.appointment"

    def _portal_open_invoice(self):
        """The client's own posted invoice of this visit that is still to be paid online (not a
        payer's share), or an empty recordset. Read in sudo by the caller, narrowed to this
        appointment and its client."""
        self.ensure_one()
        lines = self.env["account.move.line"].search([
            ("clinic_appointment_id", "=", self.id), ("move_id.move_type", "=", "out_invoice"),
            ("move_id.state", "=", "posted"),
            ("move_id.commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
            ("move_id.payment_state", "in", ("not_paid", "partial")),
        ], order="id")
        return lines.move_id.filtered(lambda move: move._has_to_be_paid())[:1]

    def _portal_package_cover(self):
        """The client's package a coming visit would use (the one billing uses when it is
        completed), or an empty recordset."""
        self.ensure_one()
        if self.state not in SCHEDULED_STATES or not self.start:
            return self.env["clinic.package"]
        return self.env["clinic.package"]._find_for(
            self.partner_id, self.service_id, self._clinic_day(), self.company_id
        )
