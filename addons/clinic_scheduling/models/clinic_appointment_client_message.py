from datetime import timedelta

import pytz
import vobject

from odoo import api, fields, models
from odoo.tools import format_datetime

from .clinic_appointment import OPEN_STATES


class ClinicAppointment(models.Model):
    """What the client hears about their appointment: queued here when it is booked, moved,
    cancelled or missed, sent by the scheduled job of ``clinic.appointment.message``."""

    _inherit = "clinic.appointment"

    @api.model_create_multi
    def create(self, vals_list):
        appointments = super().create(vals_list)
        if not self.env.context.get("clinic_no_messages"):
            appointments.filtered(lambda a: a.state == "booked")._queue_messages("booked")
        return appointments

    def write(self, vals):
        result = super().write(vals)
        if "start" in vals and not self.env.context.get("clinic_no_messages"):
            self.filtered(lambda a: a.state in OPEN_STATES)._queue_messages("moved")
        return result

    def action_no_show(self):
        result = super().action_no_show()
        if not self.env.context.get("clinic_no_messages"):
            self._queue_messages("no_show")
        return result

    def action_cancel(self, reason=None, note=None, when=None):
        result = super().action_cancel(reason=reason, note=note, when=when)
        if not self.env.context.get("clinic_no_messages"):
            self.filtered(lambda a: a.stop > fields.Datetime.now())._queue_messages("cancelled")
        return result

    def _reminder_hours(self):
        self.ensure_one()
        return self.service_id.reminder_hours or self.location_id.reminder_hours

    def _queue_messages(self, event):
        """Queue what the client should hear about ``event`` (booked, moved, cancelled, no_show),
        in one statement for the whole batch."""
        now = fields.Datetime.now()
        rows = []
        for appointment in self:
            key = fields.Datetime.to_string(appointment.start)
            if event in ("booked", "moved"):
                if appointment.start <= now:
                    continue  # back-dated: nothing to announce
                rows.append((appointment, "confirmation" if event == "booked" else "reschedule", key, now))
                hours = appointment._reminder_hours()
                if hours and appointment.start - timedelta(hours=hours) > now:
                    rows.append((appointment, "reminder", key, appointment.start - timedelta(hours=hours)))
            elif event == "cancelled":
                rows.append((appointment, "cancellation", fields.Datetime.to_string(appointment.cancelled_at), now))
            elif event == "no_show":
                rows.append((appointment, "no_show", key, now))
        self.env["clinic.appointment.message"]._queue(rows)

    def _local_start_label(self):
        self.ensure_one()
        return format_datetime(self.env, self.start, tz=self.location_id.tz, dt_format="EEEE d MMMM y, HH:mm")

    def _ics(self, cancel=False):
        """The appointment as an iCalendar file for the client's own calendar."""
        self.ensure_one()
        calendar = vobject.iCalendar()
        calendar.add("method").value = "CANCEL" if cancel else "PUBLISH"
        event = calendar.add("vevent")
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        event.add("uid").value = f"clinic-appointment-{self.id}@{uuid}"
        event.add("dtstart").value = pytz.utc.localize(self.start)
        event.add("dtend").value = pytz.utc.localize(self.stop)
        event.add("dtstamp").value = pytz.utc.localize(fields.Datetime.now())
        event.add("summary").value = f"{self.service_id.name} – {self.location_id.company_id.name}"
        event.add("location").value = self._calendar_event_values()["location"]
        event.add("status").value = "CANCELLED" if cancel else "CONFIRMED"
        return calendar.serialize().encode()
