from odoo import models, tools


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def init(self):  # pylint: disable=missing-return
        super().init()
        # Lets the availability engine go from the events of a window to their attendees.
        tools.create_index(self.env.cr, "calendar_attendee_clinic_event_partner_index", self._table,
                           ["event_id", "partner_id"])
