import re
from datetime import date, datetime
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError
from odoo.modules.module import get_module_path
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestMessageRules(ClinicCase):
    """Client messages are configuration: a manager edits their templates, lead times and scope,
    or switches them off, and the next messages follow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.confirmation = cls.env.ref("clinic_scheduling.message_rule_confirmation")
        cls.reminder = cls.env.ref("clinic_scheduling.message_rule_reminder")

    def queue(self, appointment):
        return self.env["clinic.appointment.message"].search([("appointment_id", "=", appointment.id)])

    def run_cron(self):
        return self.env["clinic.appointment.message"]._cron_send_due()

    def posted(self, record, subject_part):
        return record.message_ids.filtered(
            lambda m: m.message_type == "comment" and subject_part in (m.subject or "")
        )

    def sms(self, partner):
        return self.env["sms.sms"].search([("partner_id", "=", partner.id)])

    def test_a_manager_edits_the_subject_and_the_next_message_uses_it(self):
        before = self.book("2026-03-04 15:00")
        self.confirmation.with_user(self.manager).mail_template_id.subject = (
            "Booked: {{ object.service_id.name }}, {{ object._local_start_label() }}"
        )
        after = self.book("2026-03-05 15:00")
        self.run_cron()
        self.assertEqual(self.posted(after, "Booked:").subject,
                         "Booked: Physio follow-up, Thursday 5 March 2026, 10:00")
        self.assertEqual(self.posted(before, "Booked:").subject,
                         "Booked: Physio follow-up, Wednesday 4 March 2026, 10:00",
                         "written when sent, so the queued confirmation has the new subject too")
        self.assertFalse(self.posted(after, "Your appointment on"))
        self.assertEqual(self.posted(after, "Booked:").attachment_ids.mimetype, "text/calendar", "still with its .ics")

    def test_the_sms_text_comes_from_the_sms_template_in_the_clients_language(self):
        self.location.sms_enabled = True
        self.client.mobile = "+1 613 555 0199"
        self.confirmation.sms_template_id.with_user(self.manager).body = (
            "Hi {{ object.partner_id.name }}, see you {{ object._local_start_label() }} ({{ object.location_id.name }})"
        )
        self.book("2026-03-04 15:00")
        self.run_cron()
        self.assertEqual(self.sms(self.client).body, "Hi Jane Client, see you Wednesday 4 March 2026, 10:00 (Main)")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.client_2.write({"mobile": "+1 613 555 0142", "lang": "fr_FR"})
        self.book("2026-03-05 15:00", partner=self.client_2)
        self.run_cron()
        self.assertEqual(self.sms(self.client_2).body, "Hi John Client, see you jeudi 5 mars 2026, 10:00 (Main)")

    def test_a_switched_off_kind_is_not_queued_and_what_it_queued_is_not_sent(self):
        booked_before = self.book("2026-03-04 15:00")
        self.reminder.with_user(self.manager).action_archive()
        booked_after = self.book("2026-03-05 15:00")
        self.assertEqual(self.queue(booked_after).mapped("kind"), ["confirmation"], "no reminder queued any more")
        self.run_cron()
        self.assertEqual(len(self.posted(booked_after, "Your appointment on")), 1, "the other kinds still go")
        with freeze_time("2026-03-03 15:01:00"):
            self.run_cron()
        planned = self.queue(booked_before).filtered(lambda m: m.kind == "reminder")
        self.assertEqual((planned.state, planned.note), ("skipped", "This message is switched off."))
        self.assertFalse(self.posted(booked_before, "Reminder:"))

    def test_two_reminder_rules_give_two_reminders(self):
        self.reminder.with_user(self.manager).copy({
            "name": "Reminder, two hours before", "interval_nbr": 2, "interval_unit": "hours",
        })
        appointment = self.book("2026-03-04 15:00")
        reminders = self.queue(appointment).filtered(lambda m: m.kind == "reminder")
        self.assertEqual(sorted(reminders.mapped("scheduled_at")),
                         [datetime(2026, 3, 3, 15, 0), datetime(2026, 3, 4, 13, 0)])
        for now in ("2026-03-03 15:00:00", "2026-03-03 15:05:00", "2026-03-04 13:00:00", "2026-03-04 13:05:00"):
            with freeze_time(now):
                self.run_cron()
        self.assertEqual(len(self.posted(appointment, "Reminder:")), 2, "each reminder once")
        self.assertEqual(set(reminders.mapped("state")), {"sent"})

    def test_a_new_lead_time_applies_to_new_bookings_and_to_planned_reminders(self):
        planned = self.book("2026-03-04 15:00")
        self.reminder.with_user(self.manager).write({"interval_nbr": 2, "interval_unit": "days"})
        booked = self.book("2026-03-06 15:00")
        self.assertEqual(self.queue(booked).filtered(lambda m: m.kind == "reminder").scheduled_at,
                         datetime(2026, 3, 4, 15, 0))
        reminder = self.queue(planned).filtered(lambda m: m.kind == "reminder")
        self.assertEqual(reminder.scheduled_at, datetime(2026, 3, 2, 15, 0), "the reminder not sent yet moves too")
        with freeze_time("2026-03-02 15:00:00"):
            self.run_cron()
        self.assertEqual(len(self.posted(planned, "Reminder:")), 1)
        self.assertEqual(self.location.reminder_hours, 48, "what the location form shows")

    def test_a_service_or_a_location_of_its_own(self):
        self.assertEqual((self.location.reminder_hours, self.physio.reminder_hours), (24, 0))
        self.location.with_user(self.manager).reminder_hours = 0  # no reminders at Main
        self.assertFalse(self.queue(self.book("2026-03-04 15:00")).filtered(lambda m: m.kind == "reminder"))
        annex = self.book("2026-03-04 17:00", location_id=self.other_location.id, room=self.annex_room,
                          service=self.annex_only)
        self.assertEqual(self.queue(annex).filtered(lambda m: m.kind == "reminder").scheduled_at,
                         datetime(2026, 3, 3, 17, 0), "the clinic-wide reminder still applies at the Annex")
        self.physio.with_user(self.manager).reminder_hours = 1.5  # the service's own wins over its location's
        physio = self.book("2026-03-05 15:00")
        self.assertEqual(self.queue(physio).filtered(lambda m: m.kind == "reminder").scheduled_at,
                         datetime(2026, 3, 5, 13, 30))
        own = self.env["clinic.message.rule"].search([("service_ids", "=", self.physio.id)])
        self.assertEqual((own.kind, own.interval_nbr, own.interval_unit, own.mail_template_id),
                         ("reminder", 90, "minutes", self.reminder.mail_template_id), "an ordinary rule, editable")
        self.location.with_user(self.manager).reminder_hours = 24
        self.physio.with_user(self.manager).reminder_hours = 0
        self.assertFalse(own.active)
        moved = self.book("2026-03-06 15:00")
        self.assertEqual(self.queue(moved).filtered(lambda m: m.kind == "reminder").scheduled_at,
                         datetime(2026, 3, 5, 15, 0), "back to the clinic-wide reminder")

    def test_waitlist_offers_follow_their_rule(self):
        entry = self.env["clinic.waitlist"].create({
            "partner_id": self.client.id, "service_id": self.talk.id, "provider_ids": [Command.set(self.carol.ids)],
            "location_id": self.location.id, "date_from": date(2026, 3, 4), "date_to": date(2026, 3, 4),
            "hour_from": 10.0, "hour_to": 13.0,
        })
        offer_rule = self.env.ref("clinic_scheduling.message_rule_waitlist_offer")
        offer_rule.with_user(self.manager).action_archive()
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual(entry.state, "offered")
        self.assertFalse(self.posted(entry, "A time opened up"), "switched off: the front desk calls instead")
        entry.offer_ids.action_decline()
        offer_rule.with_user(self.manager).action_unarchive()
        self.location.sms_enabled = True
        self.client.mobile = "+1 613 555 0199"
        self.env["clinic.waitlist"]._cron_waitlist()
        offer = entry.offer_ids.filtered(lambda o: o.state == "open")
        self.assertEqual(len(self.posted(entry, "A time opened up")), 1)
        # What the SMS asks the client to do is the waitlist's (a call, or the portal's link, written
        # once: clinic_portal keeps Odoo's SMS from adding it again as a numbered reference).
        text = (f"{entry.company_id.name}: a time opened up for Counselling: {offer._start_label()} with Carol "
                f"Counsellor at Main. {entry._open_offer_sms_action()}")
        self.assertEqual(self.sms(self.client).body, text)

    def test_staff_read_the_rules_managers_edit_them(self):
        self.assertEqual(self.confirmation.with_user(self.frontdesk).mail_template_id,
                         self.confirmation.mail_template_id)
        with self.assertRaises(AccessError):
            self.confirmation.with_user(self.frontdesk).active = False
        with self.assertRaises(AccessError):
            self.confirmation.sms_template_id.with_user(self.frontdesk).body = "Hello"
        other_app = self.env["sms.template"].create({
            "name": "Partner greeting", "model_id": self.env["ir.model"]._get_id("res.partner"), "body": "Hello",
        })
        with self.assertRaises(AccessError, msg="a clinic manager edits the clinic's SMS texts, not other apps'"):
            other_app.with_user(self.manager).body = "Hi"
        self.reminder.with_user(self.manager).interval_nbr = 12
        self.assertEqual(self.reminder.interval_nbr, 12)

    def test_no_python_code_picks_a_template_by_building_an_xmlid(self):
        # An xmlid of a template (clinic_scheduling.mail_template_appointment_reminder), or one built
        # with an f-string (env.ref(f"...{kind}")).
        pattern = re.compile(r"\b(mail|sms)_template_(appointment|waitlist)|\bref\(\s*f[\"']|_template_\{")
        found = []
        for addon in ("clinic_scheduling", "clinic_billing", "clinic_charting", "clinic_portal"):
            for path in Path(get_module_path(addon)).rglob("*.py"):
                if "tests" not in path.parts:
                    found += [f"{path.name}: {match.group(0)}" for match in pattern.finditer(path.read_text())]
        self.assertEqual(found, [], "templates are chosen by the message rules (clinic.message.rule)")
