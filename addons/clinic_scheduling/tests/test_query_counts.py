"""Pinned SQL query counts of the hot paths, exact both ways (``assertQueryCountExactly``).

A count that goes up is a query added to a path that runs on every screen or job (often one per
provider, day or appointment); a count that goes down is work skipped. Either way the test goes red
and the new figure is a decision, written here with the reason.
"""
from datetime import date, datetime

from odoo import Command
from odoo.tests import freeze_time, tagged, warmup

from .common import CHARTING_INSIGHT_QUERIES, ClinicCase

# What clinic_billing's insights add when it is installed: the client's balance (one query), the
# currency, and the company's balance policy (already read for a returning client, whose last visit's
# location brings its company).
BILLING_INSIGHT_QUERIES = {"returning": 3, "new": 4}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestQueryCounts(ClinicCase):

    def busy_providers(self, count):
        """``count`` more counsellors at Main, each with two appointments on Tuesday 3 March."""
        providers = self.env["clinic.provider"].create([{
            "name": f"Counsellor {i}", "resource_calendar_id": self.calendar.id, "tz": self.tz,
            "service_ids": [Command.set(self.talk.ids)], "location_ids": [Command.set(self.location.ids)],
        } for i in range(count)])
        clients = self.env["res.partner"].create([{"name": f"Client {i}"} for i in range(count)])
        for provider, client in zip(providers, clients, strict=True):
            for hour in (14, 16):
                self.book(datetime(2026, 3, 3, hour, 0), provider=provider, service=self.talk, partner=client)
        return providers

    @warmup
    def test_day_view(self):
        self.book("2026-03-03 14:00")
        self.book("2026-03-03 14:00", provider=self.bob, room=self.room_2, partner=self.client_2)
        self.book("2026-03-03 16:00", provider=self.carol, service=self.talk)
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        with self.assertQueryCountExactly(17):
            data = Appointment.get_day_view_data("2026-03-03", self.location.id)
        self.assertEqual((len(data["columns"]), len(data["appointments"])), (3, 3))
        self.busy_providers(10)
        with self.assertQueryCountExactly(17):
            data = Appointment.get_day_view_data("2026-03-03", self.location.id)
        self.assertEqual((len(data["columns"]), len(data["appointments"])), (13, 23))

    @warmup
    def test_insights(self):
        with freeze_time("2026-02-16 12:00:00"):
            history = [self.book(datetime(2026, 2, 16 + day, 15, 0)) for day in range(4)]
        with freeze_time("2026-02-23 12:00:00"):
            for visit in history[:3]:
                visit.action_arrive()
                visit.action_done()
            history[3].action_no_show()
        regular = self.book("2026-03-03 15:00")
        newcomer = self.book("2026-03-03 15:00", provider=self.bob, room=self.room_2, partner=self.client_2)
        # The last visit's time, service and provider are read only for a returning client.
        # Billing, when installed, adds the client's balance (DESIGN.md: insights are extended by
        # the addons), a fixed number of queries pinned again by its own tests.
        # Charting adds the service's intake and consent forms (see CHARTING_INSIGHT_QUERIES).
        billing = BILLING_INSIGHT_QUERIES if self.installed("clinic_billing") else {"returning": 0, "new": 0}
        charting = CHARTING_INSIGHT_QUERIES if self.installed("clinic_charting") else 0
        for appointment, codes, queries in (
                (regular, {"no_show_history", "last_visit"}, 17 + billing["returning"] + charting),
                (newcomer, {"new_client"}, 13 + billing["new"] + charting)):
            with self.assertQueryCountExactly(queries):
                insights = appointment.with_user(self.frontdesk)._get_booking_insights()
            self.assertEqual({i["code"] for i in insights} - {"balance"}, codes)

    @warmup
    def test_utilization(self):
        # The job goes through every location: only this test's two count.
        self.env["clinic.location"].search([("id", "not in", (self.location | self.other_location).ids)]).active = False
        self.book("2026-03-02 15:00")
        self.book("2026-03-03 15:00", provider=self.bob, room=self.room_2)
        self.book("2026-03-10 15:00", provider=self.carol, service=self.talk)
        with self.assertQueryCountExactly(14):
            rows = self.env["clinic.utilization"]._compute_utilization(weeks_back=1, weeks_ahead=1)
        self.assertEqual(len(rows), 2 * 5, "Main's 3 providers and 2 rooms for the 2 weeks from its first "
                         "appointment; the Annex has none yet")

    @warmup
    def test_message_job(self):
        self.book("2026-03-04 15:00")  # Jane: confirmation now, reminder tomorrow
        self.client_2.clinic_no_messages = True
        self.book("2026-03-04 15:00", provider=self.bob, room=self.room_2, partner=self.client_2)
        # With clinic_portal, the email carries the client's private link (its token written once, with
        # the portal's recipient check) and the website's details: three more queries. The messages'
        # rules are read in one query, where the templates found by xmlid were checked in one.
        with_portal = "access_token" in self.env["clinic.appointment"]._fields
        with self.assertQueryCountExactly(61 if with_portal else 58):
            handled = self.env["clinic.appointment.message"]._cron_send_due()
        self.assertEqual(handled, 2, "one confirmation sent, one skipped")

    @warmup
    def test_waitlist_job(self):
        for hour in (14, 16, 17, 18, 19, 20, 21):  # Carol's Wednesday, but for 10:00
            self.book(datetime(2026, 3, 4, hour, 0), provider=self.carol, service=self.talk, partner=self.client_2)
        entry = self.env["clinic.waitlist"].create({
            "partner_id": self.client.id, "service_id": self.talk.id, "provider_ids": [Command.set(self.carol.ids)],
            "date_from": date(2026, 3, 4), "date_to": date(2026, 3, 4), "hour_from": 10.0, "hour_to": 13.0,
        })
        # With the website installed (by clinic_portal), the email reads the website too. The offer's
        # message rules are read once for the batch: their search, their fields, their services and
        # their locations (four queries).
        with self.assertQueryCountExactly(68 if "website" in self.env else 67):
            self.env["clinic.waitlist"]._cron_waitlist()
        self.assertEqual(entry.offer_ids.start, datetime(2026, 3, 4, 15, 0))
