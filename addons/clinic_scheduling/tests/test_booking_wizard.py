from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestBookingWizard(ClinicCase):

    def wizard(self, **values):
        Wizard = self.env["clinic.booking.wizard"].with_user(self.frontdesk)
        return Wizard.create(dict({"partner_id": self.client.id, "service_id": self.physio.id,
                                   "location_id": self.location.id, "day": date(2026, 3, 3)}, **values))

    def test_slots_of_the_day_from_the_engine_and_booking_in_one_click(self):
        wizard = self.wizard()
        engine = self.physio._get_available_slots(
            datetime(2026, 3, 3, 5, 0), datetime(2026, 3, 4, 5, 0), location_id=self.location.id, online=False)
        self.assertEqual(wizard.slot_count, len(engine))
        first = wizard.slot_ids[0]
        self.assertEqual((first.start, first.provider_id.id), (engine[0]["start"], engine[0]["provider_id"]))
        self.assertEqual(first.label, "Tue 3 Mar, 09:00 – 09:30")
        action = first.action_book()
        appointment = self.env["clinic.appointment"].browse(action["res_id"])
        self.assertEqual((appointment.start, appointment.provider_id, appointment.room_id),
                         (first.start, first.provider_id, first.room_id))
        self.assertEqual((appointment.partner_id, appointment.source), (self.client, "staff"))

    def test_provider_choice_and_day_paging(self):
        wizard = self.wizard(provider_id=self.bob.id, day=date(2026, 3, 7))  # a Saturday
        self.assertFalse(wizard.slot_ids)
        wizard.action_next_available()
        self.assertEqual(wizard.day, date(2026, 3, 9), "Monday is the next working day")
        self.assertEqual(set(wizard.slot_ids.provider_id), {self.bob})
        for _day in range(7):
            wizard.action_previous_day()
        self.assertEqual(wizard.day, date(2026, 3, 2), "never before today")

    def test_slot_taken_meanwhile(self):
        wizard = self.wizard(provider_id=self.alice.id)
        first = wizard.slot_ids[0]
        self.book(first.start, room=first.room_id, partner=self.client_2)
        with self.assertRaises(UserError) as caught:
            first.action_book()
        self.assertIn("schedule changed", str(caught.exception))

    def test_client_insights_before_booking(self):
        self.client.clinic_alert = "Hard of hearing"
        with Form(self.env["clinic.booking.wizard"].with_user(self.frontdesk)) as form:
            form.partner_id = self.client
            form.service_id = self.talk
            self.assertEqual(form.location_id, self.location, "Carol works at Main only")
            self.assertIn("Hard of hearing", form.insights_html)
            self.assertIn("First visit", form.insights_html)
            self.assertEqual(len(form.slot_ids), 29, "today from 9:00, every 15 minutes until 16:00")
