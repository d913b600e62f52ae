from odoo import api, models, tools
from odoo.exceptions import UserError


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def init(self):  # pylint: disable=missing-return
        super().init()
        # The availability engine reads the providers' busy events of a window: without this index
        # it would scan every past event (a clinic's calendar grows by tens of thousands a year).
        tools.create_index(self.env.cr, "calendar_event_clinic_stop_start_index", self._table, ["stop", "start"])

    def _clinic_appointments(self):
        """The clinic appointments these events mirror."""
        ids = [event.res_id for event in self if event.res_model == "clinic.appointment" and event.res_id]
        return self.env["clinic.appointment"].browse(ids).exists()

    def write(self, vals):
        if not {"start", "stop", "allday"}.intersection(vals):
            return super().write(vals)
        appointments = self._clinic_appointments()
        if appointments and vals.get("allday"):
            raise UserError(self.env._("A clinic appointment cannot become an all-day event."))
        result = super().write(vals)
        # Moving the event in Calendar moves the appointment through the same validation (overlaps,
        # access rights); a refusal rolls the move back, so the two never diverge.
        for event in self.filtered(lambda e: e.res_model == "clinic.appointment" and e.res_id):
            appointment = appointments.filtered(lambda a, e=event: a.id == e.res_id)
            if appointment and (appointment.start, appointment.stop) != (event.start, event.stop):
                appointment.write({"start": event.start, "stop": event.stop})
                appointment.message_post(body=self.env._("Moved from Odoo Calendar by %s.", self.env.user.name))
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_clinic_appointment(self):
        live = self._clinic_appointments().filtered(lambda a: a.state != "cancelled")
        if live:
            raise UserError(self.env._(
                "This event is clinic appointment %s: cancel the appointment instead of deleting the event.",
                live[0].name,
            ))
