from odoo import models


class ClinicAppointment(models.Model):
    _name = "clinic.appointment"
    _inherit = ["clinic.appointment", "portal.mixin"]

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for appointment in self:
            appointment.access_url = f"/my/appointments/{appointment.id}"
