from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


def codes(appointment):
    return {i["code"]: i for i in appointment._get_booking_insights()}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 14:30:00")  # Tuesday 9:30 in Toronto
class TestInsights(ClinicCase):

    def test_new_client_with_an_alert(self):
        self.client.clinic_alert = "Latex allergy"
        appointment = self.book("2026-03-04 15:00")  # Wednesday 10:00 local
        insights = codes(appointment)
        self.assertEqual(insights["client_alert"]["level"], "danger")
        self.assertEqual(insights["client_alert"]["message"], "Latex allergy")
        self.assertIn("new_client", insights)
        self.assertNotIn("outside_hours", insights)
        self.assertNotIn("back_dated", insights)
        self.assertIn("Latex allergy", appointment.booking_insights_html)

    def test_history_no_shows_and_last_visit(self):
        done = self.book("2026-03-02 15:00")
        done.action_arrive()
        done.action_done()
        self.book("2026-03-02 17:00", room=self.room_2).action_no_show()
        appointment = self.book("2026-03-05 15:00")
        insights = codes(appointment)
        self.assertIn("50%", insights["no_show_history"]["message"])
        self.assertIn("Physio follow-up with Alice Physio", insights["last_visit"]["message"])
        self.assertNotIn("new_client", insights)

    def test_staff_may_book_outside_hours_or_back_date_with_a_warning(self):
        evening = self.book("2026-03-04 23:30")  # 18:30 local, after hours
        self.assertEqual(codes(evening)["outside_hours"]["level"], "warning")
        self.env["resource.calendar.leaves"].create({
            "name": "Course", "resource_id": self.alice.resource_id.id,
            "date_from": datetime(2026, 3, 5, 5, 0), "date_to": datetime(2026, 3, 6, 5, 0),
        })
        on_leave = self.book("2026-03-05 15:00")
        self.assertIn("outside_hours", codes(on_leave))
        back_dated = self.book("2026-03-02 15:00")
        self.assertIn("back_dated", codes(back_dated))
        self.assertNotIn("outside_hours", codes(back_dated))

    def test_online_booking_never_can(self):
        def online(start, partner=None, service=None, provider=None):
            return self.book(start, source="portal", partner=partner, service=service, provider=provider)

        booked = online(datetime(2026, 3, 4, 15, 0))  # Wednesday 10:00 local: free, on the grid
        self.assertEqual(booked.source, "portal")
        for refused in (
            datetime(2026, 3, 4, 23, 30),  # after hours
            datetime(2026, 3, 2, 15, 0),  # in the past
            datetime(2026, 3, 3, 15, 0),  # 30 minutes from now: inside the 2 h minimum notice
            datetime(2026, 3, 4, 15, 5),  # off the 15-minute grid
            datetime(2026, 3, 4, 15, 15),  # overlaps the first booking
        ):
            with self.assertRefused(ValidationError, "no longer available online"):
                online(refused, partner=self.client_2)
        self.talk.new_clients_allowed = False
        with self.assertRefused(ValidationError, "for returning clients"):
            online(datetime(2026, 3, 4, 15, 0), partner=self.client_2, service=self.talk, provider=self.carol)
