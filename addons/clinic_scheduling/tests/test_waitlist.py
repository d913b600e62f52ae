from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestWaitlist(ClinicCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Carol's Wednesday is fully booked (9:00-17:00, eight 50-minute sessions on the hour).
        cls.wednesday = [
            cls.book(cls, datetime(2026, 3, 4, 14 + h, 0), provider=cls.carol, service=cls.talk, partner=cls.client_2)
            for h in range(8)
        ]
        cls.waiting = cls.env["clinic.waitlist"].create({
            "partner_id": cls.client.id, "service_id": cls.talk.id,
            "provider_ids": [Command.set(cls.carol.ids)],
            "date_from": date(2026, 3, 4), "date_to": date(2026, 3, 4),
            "hour_from": 10.0, "hour_to": 13.0,
        })

    def test_freed_time_is_offered_and_accepted_once(self):
        Waitlist = self.env["clinic.waitlist"]
        self.assertFalse(Waitlist._cron_waitlist() or self.waiting.offer_ids, "nothing free yet")
        crons_before = self.env["ir.cron.trigger"].search_count([])
        self.wednesday[1].with_user(self.frontdesk).action_cancel(self.reason_client)  # 10:00-10:50 local frees up
        self.assertGreater(self.env["ir.cron.trigger"].search_count([]), crons_before, "the waitlist job is woken up")
        Waitlist._cron_waitlist()
        offer = self.waiting.offer_ids
        self.assertEqual(len(offer), 1)
        self.assertEqual((offer.start, offer.provider_id), (datetime(2026, 3, 4, 15, 0), self.carol))
        self.assertEqual(self.waiting.state, "offered")
        email = self.waiting.message_ids.filtered(lambda m: "A time opened up" in (m.subject or ""))
        self.assertIn(self.client, email.partner_ids)
        self.assertIn("Wednesday 4 March 2026, 10:00", email.body)
        Waitlist._cron_waitlist()
        self.assertEqual(len(self.waiting.offer_ids), 1, "one open offer at a time")
        action = offer.with_user(self.frontdesk).action_accept()
        appointment = self.env["clinic.appointment"].browse(action["res_id"])
        self.assertEqual((appointment.source, appointment.partner_id), ("waitlist", self.client))
        self.assertEqual(self.waiting.state, "booked")

    def test_first_acceptance_wins(self):
        rival = self.waiting.copy({"partner_id": self.client_2.id})
        self.wednesday[1].action_cancel(self.reason_client)
        self.env["clinic.waitlist"]._cron_waitlist()
        mine, theirs = self.waiting.offer_ids, rival.offer_ids
        self.assertEqual(mine.start, theirs.start, "both are offered the freed time")
        theirs.with_user(self.frontdesk).action_accept()
        result = mine.with_user(self.frontdesk).action_accept()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual((mine.state, self.waiting.state), ("taken", "waiting"))

    def test_preferences_and_expiry(self):
        self.wednesday[5].action_cancel(self.reason_client)  # 14:00 local: outside 10:00-13:00
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertFalse(self.waiting.offer_ids, "outside the client's hours")
        self.wednesday[2].action_cancel(self.reason_client)  # 11:00 local
        self.waiting.wed = False
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertFalse(self.waiting.offer_ids, "not on the client's days")
        self.waiting.wed = True
        self.env["clinic.waitlist"]._cron_waitlist()
        offer = self.waiting.offer_ids
        self.assertEqual(offer.start, datetime(2026, 3, 4, 16, 0))
        with freeze_time("2026-03-03 02:00:00"):
            self.env["clinic.waitlist"]._cron_waitlist()
            self.assertEqual(offer.state, "expired")
            self.assertEqual(self.waiting.state, "waiting", "back to waiting")
            self.assertEqual(len(self.waiting.offer_ids), 1, "the same time is not offered twice")

    def test_new_working_hours_wake_the_waitlist(self):
        triggers = self.env["ir.cron.trigger"].search_count([])
        self.carol.resource_calendar_id.attendance_ids.filtered(lambda a: a.dayofweek == "2").hour_to = 19
        self.assertGreater(self.env["ir.cron.trigger"].search_count([]), triggers)
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertFalse(self.waiting.offer_ids, "17:00-19:00 is outside the client's 10:00-13:00")
        self.waiting.hour_to = 19.0
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual(self.waiting.offer_ids.start, datetime(2026, 3, 4, 22, 0), "17:00 in Toronto")

    def test_entries_past_their_window_expire(self):
        later = self.waiting.copy({"partner_id": self.client_2.id, "date_to": date(2026, 3, 6)})
        self.wednesday[1].action_cancel(self.reason_client)
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual((self.waiting.state, later.state), ("offered", "offered"))
        with freeze_time("2026-03-05 12:00:00"):  # Thursday: the client wanted Wednesday only
            self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual(self.waiting.state, "expired")
        self.assertEqual(self.waiting.offer_ids.state, "expired")
        # Still inside its window: its old offer expired, and Thursday's 10:00 is offered instead.
        self.assertEqual(later.state, "offered")
        self.assertEqual(sorted((o.start, o.state) for o in later.offer_ids),
                         [(datetime(2026, 3, 4, 15, 0), "expired"), (datetime(2026, 3, 5, 15, 0), "open")])

    def test_an_expired_offer_cannot_be_accepted(self):
        self.wednesday[1].action_cancel(self.reason_client)
        self.env["clinic.waitlist"]._cron_waitlist()
        offer = self.waiting.offer_ids
        self.assertEqual(offer.expires_at, datetime(2026, 3, 3, 0, 0), "offers hold for 12 hours")
        with freeze_time("2026-03-03 00:30:00"):  # expired, and the job has not run since
            result = offer.with_user(self.frontdesk).action_accept()
        self.assertFalse(self.env["clinic.appointment"].search([("partner_id", "=", self.client.id)]), "not booked")
        self.assertEqual((offer.state, self.waiting.state), ("expired", "waiting"))
        self.assertEqual(result.get("params", {}).get("message"), "This offer has expired.")

    def test_a_declined_time_is_not_offered_again(self):
        self.wednesday[1].action_cancel(self.reason_client)  # 10:00-10:50 local
        self.env["clinic.waitlist"]._cron_waitlist()
        first = self.waiting.offer_ids
        first.with_user(self.frontdesk).action_decline()
        self.assertEqual((first.state, self.waiting.state), ("declined", "waiting"))
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual(self.waiting.offer_ids, first, "10:00 was the only free start")
        self.wednesday[2].action_cancel(self.reason_client)  # 10:00-11:50 is free now
        self.env["clinic.waitlist"]._cron_waitlist()
        offer = self.waiting.offer_ids - first
        self.assertEqual((offer.start, offer.state), (datetime(2026, 3, 4, 15, 15), "open"), "10:15, not 10:00 again")
        self.assertEqual(self.waiting.state, "offered")

    def test_a_withdrawn_client_is_offered_nothing(self):
        self.wednesday[1].action_cancel(self.reason_client)
        self.env["clinic.waitlist"]._cron_waitlist()
        offer = self.waiting.offer_ids
        self.waiting.with_user(self.frontdesk).action_withdraw()
        self.assertEqual((self.waiting.state, offer.state), ("withdrawn", "withdrawn"))
        self.wednesday[2].action_cancel(self.reason_client)
        self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual(self.waiting.offer_ids, offer, "no new offer")
        with self.assertRefused(UserError, "This offer is Withdrawn"):
            offer.with_user(self.frontdesk).action_accept()
        self.assertFalse(self.env["clinic.appointment"].search([("partner_id", "=", self.client.id)]))
