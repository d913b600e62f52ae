from datetime import datetime

from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
class TestClientMessages(ClinicCase):

    def queue(self, appointment):
        return self.env["clinic.appointment.message"].search([("appointment_id", "=", appointment.id)])

    def run_cron(self):
        return self.env["clinic.appointment.message"]._cron_send_due()

    def posted(self, appointment, subject_part):
        return appointment.message_ids.filtered(
            lambda m: m.message_type == "comment" and subject_part in (m.subject or "")
        )

    @freeze_time("2026-03-02 12:00:00")
    def test_booking_queues_confirmation_and_reminder_sent_by_the_job_once(self):
        appointment = self.book("2026-03-04 15:00")  # Wednesday 10:00 in Toronto
        queued = self.queue(appointment)
        self.assertEqual(sorted(queued.mapped("kind")), ["confirmation", "reminder"])
        reminder = queued.filtered(lambda m: m.kind == "reminder")
        self.assertEqual(reminder.scheduled_at, datetime(2026, 3, 3, 15, 0), "24 hours before, the location default")
        self.assertFalse(self.posted(appointment, "Your appointment"), "nothing is sent inside the booking")
        self.run_cron()
        confirmation = self.posted(appointment, "Your appointment on Wednesday 4 March 2026, 10:00")
        self.assertEqual(len(confirmation), 1)
        self.assertIn(self.client, confirmation.partner_ids)
        self.assertEqual(confirmation.attachment_ids.mimetype, "text/calendar")
        self.assertIn(b"DTSTART:20260304T150000Z", confirmation.attachment_ids.raw)
        self.assertEqual(reminder.state, "pending", "not due yet")
        with freeze_time("2026-03-03 15:01:00"):
            self.run_cron()
            self.run_cron()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(self.posted(appointment, "Reminder:")), 1, "never twice")

    @freeze_time("2026-03-02 12:00:00")
    def test_reschedule_and_cancellation(self):
        self.physio.reminder_hours = 2
        appointment = self.book("2026-03-04 15:00")
        self.run_cron()
        appointment.start = datetime(2026, 3, 5, 15, 0)
        kinds = {(m.kind, m.key): m for m in self.queue(appointment)}
        self.assertIn(("reschedule", "2026-03-05 15:00:00"), kinds)
        self.assertEqual(kinds["reminder", "2026-03-05 15:00:00"].scheduled_at, datetime(2026, 3, 5, 13, 0),
                         "the service's own 2 hours")
        with freeze_time("2026-03-04 14:00:00"):
            self.run_cron()
        old_reminder = kinds["reminder", "2026-03-04 15:00:00"]
        self.assertEqual(old_reminder.state, "skipped")
        self.assertIn("moved", old_reminder.note)
        self.assertEqual(len(self.posted(appointment, "was moved to Thursday 5 March 2026, 10:00")), 1)
        appointment.action_cancel(self.reason_client)
        self.run_cron()
        self.assertEqual(len(self.posted(appointment, "is cancelled")), 1)
        with freeze_time("2026-03-05 13:30:00"):
            self.run_cron()
        self.assertEqual(kinds["reminder", "2026-03-05 15:00:00"].state, "skipped", "cancelled: no reminder")

    @freeze_time("2026-03-02 12:00:00")
    def test_opt_out_and_no_show_follow_up(self):
        self.client_2.email = "john@example.com"
        self.client_2.clinic_no_messages = True
        quiet = self.book("2026-03-04 15:00", partner=self.client_2)
        self.run_cron()
        confirmation = self.queue(quiet).filtered(lambda m: m.kind == "confirmation")
        self.assertEqual(confirmation.state, "skipped")
        self.assertIn("does not want", confirmation.note)
        self.assertFalse(self.posted(quiet, "Your appointment"))
        with freeze_time("2026-03-04 16:00:00"):
            missed = self.book("2026-03-04 16:00", room=self.room_2)
            missed.action_no_show()
            self.run_cron()
        self.assertEqual(len(self.posted(missed, "We missed you")), 1)
        self.assertFalse(self.queue(missed).filtered(lambda m: m.kind == "confirmation"),
                         "no confirmation for an appointment that already started")

    @freeze_time("2026-03-02 12:00:00")
    def test_sms_where_the_location_sends_them(self):
        self.client.mobile = "+1 613 555 0199"
        self.book("2026-03-04 15:00")
        self.run_cron()
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.client.id)]), "SMS are off by default")
        self.location.sms_enabled = True
        moved = self.book("2026-03-05 15:00")
        self.run_cron()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.client.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing", "queued for Odoo's SMS job, not sent inside ours")
        self.assertIn("booked for Thursday 5 March 2026, 10:00", sms.body)
        self.assertTrue(moved.message_ids.filtered(lambda m: m.message_type == "sms"))
        self.assertTrue(self.posted(moved, "Your appointment"), "the email goes too")
