from odoo import models, tools


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def init(self):  # pylint: disable=missing-return
        super().init()
        # Lets the availability engine go from the events of a window to their attendees.
        tools.create_index(self.env.cr, "calendar_attendee_clinic_event_partner_index", self._table,
                           ["event_id", "partner_id"])

    def _send_invitation_emails(self):
        # With this key Calendar sends no invitation (_send_mail_to_attendees returns first); the
        # mirrors of clinic appointments are created with it: stopping here also spares looking
        # the invitation template up at every booking.
        if self.env.context.get("no_mail_to_attendees"):
            return
        super()._send_invitation_emails()
