from datetime import datetime

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

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

    @freeze_time("2026-03-02 12:00:00")
    def test_moved_away_and_back_the_client_hears_each_change_once(self):
        appointment = self.book("2026-03-04 15:00")  # Wednesday 10:00 in Toronto
        self.run_cron()
        appointment.start = datetime(2026, 3, 5, 15, 0)  # Thursday
        self.run_cron()
        appointment.start = datetime(2026, 3, 4, 15, 0)  # back to Wednesday
        self.run_cron()
        self.assertEqual(sorted((m.kind, m.key, m.state) for m in self.queue(appointment)), [
            ("confirmation", "2026-03-04 15:00:00", "sent"),
            ("reminder", "2026-03-04 15:00:00", "pending"),  # queued at the booking and again on the way back
            ("reminder", "2026-03-05 15:00:00", "pending"),
            ("reschedule", "2026-03-04 15:00:00", "sent"),
            ("reschedule", "2026-03-05 15:00:00", "sent"),
        ])
        self.assertEqual(len(self.posted(appointment, "Your appointment on")), 1)
        self.assertEqual(len(self.posted(appointment, "was moved to Thursday 5 March 2026, 10:00")), 1)
        self.assertEqual(len(self.posted(appointment, "was moved to Wednesday 4 March 2026, 10:00")), 1)
        with freeze_time("2026-03-03 15:00:00"):
            self.run_cron()
            self.run_cron()
        with freeze_time("2026-03-04 15:00:00"):
            self.run_cron()
        self.assertEqual(len(self.posted(appointment, "Reminder:")), 1, "one reminder, for Wednesday")
        thursday = self.queue(appointment).filtered(lambda m: m.kind == "reminder" and m.key.startswith("2026-03-05"))
        self.assertEqual((thursday.state, thursday.note), ("skipped", "The appointment was moved since."))

    @freeze_time("2026-03-02 12:00:00")
    def test_a_failed_send_is_recorded_once_and_the_others_still_go(self):
        due_soon = self.book("2026-03-03 15:00", room=self.room_2)  # reminder due today at 15:00
        self.run_cron()
        # A manager breaks the confirmation template; the next booking's confirmation cannot be written.
        confirmation = self.env.ref("clinic_scheduling.mail_template_appointment_confirmation")
        subject = confirmation.subject
        confirmation.subject = "Booked: {{ object.no_such_field }}"
        broken = self.book("2026-03-04 15:00")
        job_logger = "odoo.addons.clinic_scheduling.models.clinic_appointment_message"
        with freeze_time("2026-03-02 15:30:00"), mute_logger(job_logger):
            self.run_cron()
        failed = self.queue(broken).filtered(lambda m: m.kind == "confirmation")
        self.assertEqual(failed.state, "failed")
        self.assertIn("no_such_field", failed.note)
        self.assertFalse(self.posted(broken, "Booked"))
        self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", "clinic.appointment"),
                                                           ("res_id", "=", broken.id)]),
                         "the half-made message left nothing behind")
        self.assertEqual(len(self.posted(due_soon, "Reminder:")), 1, "the queue went on after the failure")
        confirmation.subject = subject
        with freeze_time("2026-03-02 16:00:00"):
            self.run_cron()
        self.assertEqual(failed.state, "failed", "a failed message is not retried behind the staff's back")
        self.assertFalse(self.posted(broken, "Your appointment on"))

    @freeze_time("2026-03-02 12:00:00")
    def test_a_client_with_no_way_to_be_reached(self):
        self.client_2.mobile = "+1 613 555 0142"  # a mobile, but the location sends no SMS
        unreachable = self.book("2026-03-04 15:00", partner=self.client_2)
        self.run_cron()
        confirmation = self.queue(unreachable).filtered(lambda m: m.kind == "confirmation")
        self.assertEqual((confirmation.state, confirmation.note),
                         ("skipped", "No way to reach the client: no usable email address, and no SMS."))
        self.assertFalse(unreachable.message_ids.filtered(lambda m: m.message_type in ("comment", "sms")))
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.client_2.id)]))
        self.location.sms_enabled = True
        by_sms = self.book("2026-03-05 15:00", partner=self.client_2)
        self.run_cron()
        confirmation = self.queue(by_sms).filtered(lambda m: m.kind == "confirmation")
        self.assertEqual((confirmation.state, confirmation.note), ("sent", "By SMS only."))
        self.assertEqual(len(self.env["sms.sms"].search([("partner_id", "=", self.client_2.id)])), 1)
