import pytz
import vobject

from odoo import api, fields, models
from odoo.tools import format_datetime

from .clinic_appointment import OPEN_STATES

EVENT_KINDS = {
    "booked": ("confirmation", "reminder"),
    "moved": ("reschedule", "reminder"),
    "cancelled": ("cancellation",),
    "no_show": ("no_show",),
}


class ClinicAppointment(models.Model):
    """What the client hears about their appointment: queued here when it is booked, moved,
    cancelled or missed, sent by the scheduled job of ``clinic.appointment.message``."""

    _inherit = "clinic.appointment"

    def _messages_muted(self):
        """Generated history and benchmark data (scripts running as superuser) say so with the
        context key ``clinic_no_messages``; for anyone else a booking always tells the client: a
        context key is never a way around a rule."""
        return self.env.su and self.env.context.get("clinic_no_messages")

    @api.model_create_multi
    def create(self, vals_list):
        appointments = super().create(vals_list)
        if not self._messages_muted():
            appointments.filtered(lambda a: a.state == "booked")._queue_messages("booked")
        return appointments

    def write(self, vals):
        result = super().write(vals)
        if "start" in vals and not self._messages_muted():
            self.filtered(lambda a: a.state in OPEN_STATES)._queue_messages("moved")
        return result

    def action_no_show(self):
        result = super().action_no_show()
        if not self._messages_muted():
            self._queue_messages("no_show")
        return result

    def action_cancel(self, reason=None, note=None, when=None):
        result = super().action_cancel(reason=reason, note=note, when=when)
        if not self._messages_muted():
            self.filtered(lambda a: a.stop > fields.Datetime.now())._queue_messages("cancelled")
        return result

    def _queue_messages(self, event):
        """Queue what the client should hear about ``event`` (booked, moved, cancelled, no_show): a
        row per message rule that applies to the appointment (``clinic.message.rule``), in one
        statement for the whole batch."""
        kinds = EVENT_KINDS[event]
        # sudo: the clinic's message configuration, read whole (a rule's services and locations
        # beyond the booker's companies too, or a rule for another company's location would look
        # clinic-wide); only rule ids are written, to the system's queue.
        # Searched and read in one query (the services and locations follow, one query each).
        rules = self.env["clinic.message.rule"].sudo().search_fetch([("kind", "in", kinds)], [
            "kind", "interval_nbr", "interval_unit", "mail_template_id", "sms_template_id", "service_ids",
            "location_ids",
        ])
        now = fields.Datetime.now()
        rows = []
        for appointment in self:
            key = fields.Datetime.to_string(appointment.start)
            if event in ("booked", "moved") and appointment.start <= now:
                continue  # back-dated: nothing to announce
            if event == "cancelled":
                key = fields.Datetime.to_string(appointment.cancelled_at)
            for kind in kinds:
                for rule in rules._select(kind, appointment.service_id, appointment.location_id):
                    if not rule._sends():
                        continue
                    when = now
                    if kind == "reminder":
                        when = appointment.start - rule._lead_time()
                        if when <= now:
                            continue  # too late for this reminder
                    rows.append((appointment, rule, key, when))
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
