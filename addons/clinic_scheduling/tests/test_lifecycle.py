from datetime import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
class TestLifecycle(ClinicCase):

    @freeze_time("2026-03-03 14:05:00")
    def test_visit_from_booking_to_done(self):
        with freeze_time("2026-03-01 10:00:00"):
            appointment = self.book("2026-03-03 14:00")
        appointment.with_user(self.frontdesk).action_confirm()
        appointment.with_user(self.frontdesk).action_arrive()
        self.assertEqual(appointment.arrived_at, datetime(2026, 3, 3, 14, 5))
        appointment.with_user(self.provider_user).action_start_session()
        appointment.with_user(self.provider_user).action_done()
        self.assertEqual(appointment.state, "done")
        self.assertEqual(self.client.clinic_last_visit, datetime(2026, 3, 3, 14, 0))
        with self.assertRefused(UserError, "is Done and cannot become Cancelled"):
            appointment.action_cancel(self.reason_client)

    def test_state_is_only_changed_through_actions(self):
        appointment = self.book("2026-03-03 14:00")
        with self.assertRefused(UserError, "Use the appointment's buttons"):
            appointment.with_user(self.frontdesk).write({"state": "done"})
        with self.assertRaises(UserError):
            self.env["clinic.appointment"].create(dict(
                partner_id=self.client.id, service_id=self.talk.id, provider_id=self.carol.id,
                location_id=self.location.id, start=datetime(2026, 3, 4, 9, 0), state="done",
            ))

    def test_appointments_are_never_deleted(self):
        appointment = self.book("2026-03-03 14:00")
        with self.assertRefused(UserError, "never deleted"):
            appointment.unlink()

    @freeze_time("2026-03-03 10:00:00")
    def test_no_show_only_once_started_and_counted_on_the_client(self):
        past = self.book("2026-03-02 14:00")
        future = self.book("2026-03-04 14:00")
        with self.assertRefused(UserError, "has not started yet"):
            future.action_no_show()
        past.with_user(self.frontdesk).action_no_show()
        done = self.book("2026-03-01 14:00")
        done.action_arrive()
        done.action_done()
        self.client.invalidate_recordset()
        self.assertEqual(self.client.clinic_no_show_count, 1)
        self.assertAlmostEqual(self.client.clinic_no_show_rate, 0.5)
        self.assertEqual(self.client.clinic_next_appointment, datetime(2026, 3, 4, 14, 0))
        self.assertEqual(self.client.clinic_appointment_count, 3)

    @freeze_time("2026-03-03 10:00:00")
    def test_late_cancel_window(self):
        tomorrow_early = self.book("2026-03-04 09:00")  # 23 h ahead: inside the 24 h window
        next_week = self.book("2026-03-10 09:00")
        clinic_side = self.book("2026-03-03 15:00", room=self.room_2)
        tomorrow_early.with_user(self.frontdesk).action_cancel(self.reason_client, note="Car broke down")
        next_week.with_user(self.frontdesk).action_cancel(self.reason_client.id)
        clinic_side.with_user(self.frontdesk).action_cancel(self.reason_clinic)
        self.assertEqual(
            (tomorrow_early.late_cancel, next_week.late_cancel, clinic_side.late_cancel), (True, False, False)
        )
        self.assertEqual(tomorrow_early.cancel_note, "Car broke down")
        self.assertEqual(tomorrow_early.cancelled_at, datetime(2026, 3, 3, 10, 0))
        self.client.invalidate_recordset()
        self.assertEqual(self.client.clinic_late_cancel_count, 1)
        with self.assertRefused(UserError, "Give a reason"):
            self.book("2026-03-11 09:00").action_cancel()

    @freeze_time("2026-03-03 10:00:00")
    def test_cancel_wizard(self):
        appointment = self.book("2026-03-05 15:00")
        action = appointment.with_user(self.frontdesk).action_open_cancel_wizard()
        wizard = self.env[action["res_model"]].with_user(self.frontdesk).with_context(**action["context"]).create(
            {"reason_id": self.reason_client.id}
        )
        wizard.action_cancel()
        self.assertEqual(appointment.state, "cancelled")
        self.assertEqual(appointment.cancel_reason_id, self.reason_client)

    @freeze_time("2026-03-03 10:00:00")
    def test_reset_to_booked_needs_the_slot_free(self):
        appointment = self.book("2026-03-05 15:00")
        appointment.action_cancel(self.reason_client)
        self.book("2026-03-05 15:15", partner=self.client_2, room=self.room_2)
        with self.assertRefused(ValidationError, "already booked"):
            appointment.action_reset_to_booked()
        self.assertEqual(appointment.state, "cancelled")
