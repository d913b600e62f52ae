from odoo import fields, models


class ClinicAppointment(models.Model):
    """Time freed by a cancellation or a move wakes the waitlist job, which offers it."""

    _inherit = "clinic.appointment"

    def write(self, vals):
        result = super().write(vals)
        if "start" in vals or "provider_id" in vals:
            self._waitlist_time_freed()
        return result

    def action_cancel(self, reason=None, note=None, when=None):
        result = super().action_cancel(reason=reason, note=note, when=when)
        self._waitlist_time_freed()
        return result

    def _waitlist_time_freed(self):
        """Time freed up in the future: let the waitlist job run soon (outside this transaction)."""
        if any(a.start > fields.Datetime.now() for a in self):
            self.env.ref("clinic_scheduling.ir_cron_clinic_waitlist")._trigger()
