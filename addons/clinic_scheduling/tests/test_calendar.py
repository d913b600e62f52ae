from datetime import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestCalendarMirror(ClinicCase):

    def test_booking_puts_a_private_event_on_the_provider_calendar(self):
        mails_before = self.env["mail.mail"].search_count([])
        appointment = self.book("2026-03-03 14:00")
        event = appointment.calendar_event_id
        self.assertTrue(event)
        self.assertEqual((event.start, event.stop), (appointment.start, appointment.stop))
        self.assertEqual(event.user_id, self.provider_user)
        self.assertEqual(event.partner_ids, self.client | self.provider_user.partner_id)
        self.assertEqual((event.privacy, event.show_as), ("private", "busy"))
        self.assertEqual((event.res_model, event.res_id), ("clinic.appointment", appointment.id))
        self.assertIn("Main", event.location)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before, "no invitation is emailed")

    def test_provider_without_user_gets_no_event(self):
        appointment = self.book("2026-03-03 14:00", provider=self.bob, room=self.room_2)
        self.assertFalse(appointment.calendar_event_id)

    def test_event_follows_reschedule_provider_change_and_cancellation(self):
        appointment = self.book("2026-03-03 14:00", provider=self.bob, room=self.room_2)
        appointment.provider_id = self.alice
        event = appointment.calendar_event_id
        self.assertEqual(event.user_id, self.provider_user)
        appointment.start = datetime(2026, 3, 3, 16, 0)
        self.assertEqual(event.start, datetime(2026, 3, 3, 16, 0))
        self.assertEqual(event.stop, datetime(2026, 3, 3, 16, 30))
        appointment.action_cancel(self.reason_client)
        self.assertFalse(event.active, "a cancelled appointment leaves the calendar")
        appointment.action_reset_to_booked()
        self.assertTrue(event.active)
        appointment.provider_id = self.bob
        self.assertFalse(event.active, "a provider without a user has no calendar")

    def test_moving_the_event_moves_the_appointment(self):
        appointment = self.book("2026-03-03 14:00")
        event = appointment.calendar_event_id.with_user(self.provider_user)
        event.write({"start": datetime(2026, 3, 3, 15, 0), "stop": datetime(2026, 3, 3, 15, 30)})
        self.assertEqual(appointment.start, datetime(2026, 3, 3, 15, 0))
        self.assertEqual(appointment.stop, datetime(2026, 3, 3, 15, 30))
        self.assertEqual(appointment.busy_stop, datetime(2026, 3, 3, 15, 40))
        self.assertIn("Moved from Odoo Calendar", appointment.message_ids[0].body)

    def test_moving_the_event_into_a_conflict_is_refused(self):
        self.book("2026-03-03 16:00", partner=self.client_2, room=self.room_2)
        appointment = self.book("2026-03-03 14:00")
        event = appointment.calendar_event_id.with_user(self.provider_user)
        with self.assertRefused(ValidationError, "Alice Physio is already booked"):
            event.write({"start": datetime(2026, 3, 3, 16, 10), "stop": datetime(2026, 3, 3, 16, 40)})
        self.env.invalidate_all()
        self.assertEqual(event.start, datetime(2026, 3, 3, 14, 0), "the two never diverge")
        self.assertEqual(appointment.start, datetime(2026, 3, 3, 14, 0))

    def test_the_event_cannot_be_deleted_nor_made_all_day(self):
        appointment = self.book("2026-03-03 14:00")
        event = appointment.calendar_event_id
        with self.assertRefused(UserError, "cancel the appointment instead"):
            event.with_user(self.provider_user).unlink()
        with self.assertRefused(UserError, "all-day"):
            event.write({"allday": True})

    def test_mirror_events_are_not_counted_twice_by_the_engine(self):
        self.book("2026-03-03 14:00")
        overbooked = self.env["clinic.appointment"].with_user(self.manager).create({
            "partner_id": self.client_2.id, "service_id": self.talk.id, "provider_id": self.carol.id,
            "location_id": self.location.id, "start": datetime(2026, 3, 3, 19, 0), "overbooked": True,
        })
        self.carol.user_id = self.frontdesk
        overbooked.start = datetime(2026, 3, 3, 19, 0, 0)
        self.assertTrue(overbooked.calendar_event_id.active, "the provider's calendar shows it")
        starts = [s["start"] for s in self.talk._get_available_slots(
            datetime(2026, 3, 3), datetime(2026, 3, 4), provider_ids=self.carol.ids, online=False)]
        self.assertIn(datetime(2026, 3, 3, 19, 0), starts, "an overbooked appointment blocks nothing")
