"""Repeat weekly on the portal: a client previews a weekly series of one of their appointments
(the front desk's planning, with the online rules) and books the dates they keep. Every route
refuses the anonymous visitor, another client and a wrong token, and shows no one else's data."""
import re
from datetime import datetime, timedelta

from lxml import html as lxml_html

from odoo import Command, http
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PortalTourCase

NOW = "2026-03-02 12:00:00"  # Monday 7:00 in Toronto (EST, UTC-5)
KEEP = re.compile(r'name="keep"[^>]*value="([^"]+)"')
# The appointment repeated: Wednesday 4 March 10:00 in Toronto; the next Wednesdays at 10:00 are in
# summer time (EDT, UTC-4) from 8 March.
WEDNESDAYS = [datetime(2026, 3, 11, 14, 0), datetime(2026, 3, 18, 14, 0), datetime(2026, 3, 25, 14, 0),
              datetime(2026, 4, 1, 14, 0)]


class SeriesPortalCase(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        for scope in ("availability", "booking", "appointment_link"):
            env["ir.config_parameter"].set_param(f"clinic_portal.rate_limit.{scope}", "100000/60")
        cls.company = env.ref("website.default_website").company_id
        tz = "America/Toronto"
        calendar = env["resource.calendar"].create({
            "name": "Series weekdays 9-17", "tz": tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 9, "hour_to": 17})
                               for d in range(5)],
        })
        cls.location = env["clinic.location"].create({"name": "Series Main", "tz": tz, "company_id": cls.company.id})
        cls.physio = env["clinic.service"].create({
            "name": "Series Physio", "duration": 30, "slot_interval": 30, "company_id": cls.company.id,
        })
        cls.pat_user = new_test_user(env, "t_series_pat", groups="clinic_scheduling.group_clinic_provider",
                                     name="Pat Seriesprovider", email="pat.series@example.com")
        cls.pat = env["clinic.provider"].create({
            "name": "Series Pat", "user_id": cls.pat_user.id, "resource_calendar_id": calendar.id, "tz": tz,
            "company_id": cls.company.id, "service_ids": [Command.set(cls.physio.ids)],
            "location_ids": [Command.set(cls.location.ids)],
        })
        cls.quinn = env["clinic.provider"].create({
            "name": "Series Quinn", "resource_calendar_id": calendar.id, "tz": tz, "company_id": cls.company.id,
            "service_ids": [Command.set(cls.physio.ids)], "location_ids": [Command.set(cls.location.ids)],
        })
        cls.alex = new_test_user(env, "t_series_alex", password="t_series_alex_pw", groups="base.group_portal",
                                 name="Alex Seriesclient", email="alex.series@example.com")
        cls.blair = new_test_user(env, "t_series_blair", password="t_series_blair_pw", groups="base.group_portal",
                                  name="Blair Otherclient", email="blair.series@example.com")
        cls.mine = cls.book(cls.alex, datetime(2026, 3, 4, 15, 0))
        cls.theirs = cls.book(cls.blair, datetime(2026, 3, 5, 15, 0), provider=cls.quinn)

    @classmethod
    def book(cls, user, start, provider=None):
        return cls.env["clinic.appointment"].create({
            "partner_id": user.partner_id.id, "service_id": cls.physio.id, "provider_id": (provider or cls.pat).id,
            "location_id": cls.location.id, "start": start,
        })

    def post(self, url, data=None, csrf=True):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, allow_redirects=False)

    def repeat_url(self, appointment, token=None, **params):
        query = dict(params, **({"access_token": token} if token else {}))
        return f"/my/appointments/{appointment.id}/repeat" + (
            "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
        )

    def snapshot(self):
        """What a refused or read-only request must leave as it was."""
        self.env.invalidate_all()
        return {
            "appointments": self.env["clinic.appointment"].search_count([]),
            "series": self.env["clinic.appointment.series"].search_count([]),
            "mine": (self.mine.state, self.mine.start, self.mine.series_id.id),
            "messages": self.env["mail.message"].search_count(
                [("model", "in", ("clinic.appointment", "clinic.appointment.series"))]),
        }

    def key(self, start, provider=None):
        return f"{start:%Y-%m-%d %H:%M:%S}|{(provider or self.pat).id}"

    def assertLeaksNothing(self, response, *names):
        for name in names or ("Alex Seriesclient", "Series Physio", self.mine.name, "Series Pat"):
            self.assertNotIn(name, response.text)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSeriesPortalAccess(SeriesPortalCase):
    """The route matrix: anonymous, another client, a wrong token; GET writes nothing; CSRF."""

    def assertRefused(self, token=None):
        before = self.snapshot()
        preview = self.url_open(self.repeat_url(self.mine, token, interval=1, count=3), allow_redirects=False)
        self.assertEqual(preview.status_code, 404)
        self.assertLeaksNothing(preview)
        data = {"interval": 1, "count": 3, "keep": self.key(WEDNESDAYS[0])}
        if token:
            data["access_token"] = token
        confirm = self.post(f"/my/appointments/{self.mine.id}/repeat", data)
        self.assertEqual(confirm.status_code, 404)
        self.assertLeaksNothing(confirm)
        self.assertEqual(self.snapshot(), before, "nothing booked")

    def test_anonymous(self):
        self.authenticate(None, None)
        self.assertRefused()

    def test_anonymous_with_a_wrong_token(self):
        self.mine._portal_ensure_token()
        self.authenticate(None, None)
        self.assertRefused(token="not-the-token")
        self.assertRefused(token=self.mine.access_token[:-1])

    def test_another_client_even_with_their_own_token(self):
        self.theirs._portal_ensure_token()
        self.authenticate("t_series_blair", "t_series_blair_pw")
        self.assertRefused()
        self.assertRefused(token=self.theirs.access_token)
        # Blair's own appointment opens for Blair (the route is not simply broken).
        own = self.url_open(self.repeat_url(self.theirs, interval=1, count=1))
        self.assertEqual(own.status_code, 200)
        self.assertIn("o_clinic_repeat_preview", own.text)

    def test_the_private_link_repeats_its_own_appointment(self):
        """A client who booked online has no login: the appointment's link lets them repeat it."""
        self.mine._portal_ensure_token()
        token = self.mine.access_token
        self.authenticate(None, None)
        page = self.url_open(self.repeat_url(self.mine, token, interval=1, count=2))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(KEEP.findall(page.text), [self.key(WEDNESDAYS[0]), self.key(WEDNESDAYS[1])])
        done = self.post(f"/my/appointments/{self.mine.id}/repeat",
                         {"access_token": token, "interval": 1, "count": 2, "keep": self.key(WEDNESDAYS[0])})
        self.assertEqual(done.status_code, 200)
        self.assertIn("o_clinic_repeat_booked_list", done.text)
        self.assertEqual(self.mine.series_id.appointment_ids.sorted("start").mapped("start"),
                         [self.mine.start, WEDNESDAYS[0]])
        # The link of one appointment repeats no other.
        other = self.url_open(self.repeat_url(self.theirs, token, interval=1, count=1))
        self.assertEqual(other.status_code, 404)
        self.assertLeaksNothing(other, "Blair", self.theirs.name)

    def test_get_changes_nothing_and_post_needs_csrf(self):
        self.authenticate("t_series_alex", "t_series_alex_pw")
        before = self.snapshot()
        for url in (self.mine.access_url, self.repeat_url(self.mine), self.repeat_url(self.mine, interval=2, count=3),
                    self.repeat_url(self.mine, interval=9, count=3)):
            with self.subTest(url=url):
                self.assertIn(self.url_open(url).status_code, (200, 400))
        self.assertEqual(self.snapshot(), before, "a preview books nothing")
        with mute_logger("odoo.http"):
            refused = self.post(f"/my/appointments/{self.mine.id}/repeat",
                                {"interval": 1, "count": 1, "keep": self.key(WEDNESDAYS[0])}, csrf=False)
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(self.snapshot(), before, "no CSRF token: nothing booked")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSeriesPortal(SeriesPortalCase):

    def setUp(self):
        super().setUp()
        self.authenticate("t_series_alex", "t_series_alex_pw")

    def confirm(self, count, keep, interval=1):
        return self.post(f"/my/appointments/{self.mine.id}/repeat",
                         {"interval": interval, "count": count, "keep": keep})

    def test_the_appointment_page_offers_to_repeat_it(self):
        page = self.url_open(self.mine.access_url)
        self.assertIn(f'href="/my/appointments/{self.mine.id}/repeat?access_token=', page.text)
        self.assertIn("Repeat weekly", page.text)
        # Not for a visit that has started, is cancelled or already belongs to a series.
        self.mine.action_cancel(self.env.ref("clinic_scheduling.cancel_reason_client_request"))
        self.assertNotIn("o_clinic_repeat", self.url_open(self.mine.access_url).text)
        refused = self.url_open(self.repeat_url(self.mine, interval=1, count=2))
        self.assertIn("o_clinic_repeat_refusal", refused.text)
        self.assertNotIn("o_clinic_repeat_preview", refused.text)

    def test_preview_then_book_the_dates_kept(self):
        page = self.url_open(self.repeat_url(self.mine, interval=1, count=3))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Wed 11 Mar 2026, 10:00", page.text, "the same local time after the change to summer time")
        self.assertEqual(KEEP.findall(page.text), [self.key(start) for start in WEDNESDAYS[:3]])
        self.assertEqual(page.text.count("o_clinic_repeat_free"), 3)
        # The client leaves out the second date.
        done = self.confirm(3, [self.key(WEDNESDAYS[0]), self.key(WEDNESDAYS[2])])
        self.assertEqual(done.status_code, 200)
        series = self.mine.series_id
        self.assertEqual((series.partner_id, series.service_id, series.provider_id, series.location_id),
                         (self.alex.partner_id, self.physio, self.pat, self.location))
        self.assertEqual((series.source, series.interval_weeks, series.end_type, series.count, series.wed),
                         ("portal", 1, "count", 4, True))
        visits = series.appointment_ids - self.mine
        self.assertEqual(visits.sorted("start").mapped("start"), [WEDNESDAYS[0], WEDNESDAYS[2]])
        self.assertEqual(set(visits.mapped("source")), {"portal"})
        self.assertEqual(set(visits.mapped("state")), {"booked"})
        self.assertEqual(len(lxml_html.fromstring(done.text).xpath("//li[hasclass('o_clinic_repeat_visit')]")), 2)
        for visit in visits:
            self.assertIn(visit.name, done.text)
        # Staff are told: one note on the series that notifies the provider, and a note on each
        # visit that does not notify them again.
        notes = series.message_ids.filtered(lambda m: "Booked online by the client" in str(m.body))
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.partner_ids, self.pat_user.partner_id)
        self.assertEqual(notes.author_id, self.alex.partner_id)
        self.assertTrue(notes.subtype_id.internal, "a note for staff")
        for visit in visits:
            note = visit.message_ids.filtered(lambda m: "weekly series" in str(m.body))
            self.assertEqual(len(note), 1)
            self.assertFalse(note.partner_ids)
        self.assertTrue(self.mine.message_ids.filtered(lambda m: "Repeated online" in str(m.body)))
        # Repeated once: the appointment is now part of a series and cannot be repeated again.
        again = self.confirm(1, [self.key(WEDNESDAYS[1])])
        self.assertEqual(again.status_code, 400)
        self.assertIn("already part of a series", again.text)
        self.assertEqual(len(series.appointment_ids), 3)

    def test_a_conflict_is_shown_with_an_alternative_and_nothing_of_the_other_client(self):
        taken = self.book(self.blair, WEDNESDAYS[1])
        page = self.url_open(self.repeat_url(self.mine, interval=1, count=3))
        tree = lxml_html.fromstring(page.text)
        conflict = tree.xpath("//li[hasclass('o_clinic_repeat_moved')]")
        self.assertEqual(len(conflict), 1)
        text = conflict[0].text_content()
        self.assertIn("Wed 18 Mar 2026, 10:00", text)
        self.assertIn("This time is already taken", text)
        # 9:30 and 10:30 are both 30 minutes away: the earlier one, as the front desk's plan proposes.
        self.assertIn("Proposed instead:", text)
        self.assertIn("Wed 18 Mar, 09:30", text)
        self.assertEqual(conflict[0].xpath(".//input[@name='keep']/@value"),
                         [self.key(WEDNESDAYS[1] - timedelta(minutes=30))])
        self.assertFalse(conflict[0].xpath(".//input[@name='keep']/@checked"), "an alternative is opt-in")
        self.assertLeaksNothing(page, "Blair", taken.name, "Otherclient")
        # The client takes the alternative.
        done = self.confirm(3, [self.key(WEDNESDAYS[0]), self.key(WEDNESDAYS[1] - timedelta(minutes=30))])
        self.assertEqual(done.status_code, 200)
        self.assertEqual((self.mine.series_id.appointment_ids - self.mine).sorted("start").mapped("start"),
                         [WEDNESDAYS[0], WEDNESDAYS[1] - timedelta(minutes=30)])

    def test_a_time_that_breaks_an_online_rule_is_not_offered_online(self):
        self.physio.min_notice_hours = 240  # online, ten days ahead at least: not before 12 March 12:00
        page = self.url_open(self.repeat_url(self.mine, interval=1, count=2))
        tree = lxml_html.fromstring(page.text)
        offline = tree.xpath("//li[hasclass('o_clinic_repeat_offline')]")
        self.assertEqual(len(offline), 1)
        self.assertIn("Wed 11 Mar 2026, 10:00", offline[0].text_content())
        self.assertIn("Not offered online: too soon to book online", offline[0].text_content())
        self.assertFalse(offline[0].xpath(".//input"), "it cannot be ticked")
        self.assertEqual(KEEP.findall(page.text), [self.key(WEDNESDAYS[1])], "the next Wednesday is free")
        # Forcing it anyway books nothing of it.
        response = self.confirm(2, [self.key(WEDNESDAYS[0]), self.key(WEDNESDAYS[1])])
        self.assertEqual(response.status_code, 200)
        self.assertEqual((self.mine.series_id.appointment_ids - self.mine).start, WEDNESDAYS[1])
        self.assertIn("o_clinic_repeat_lost", response.text)

    def test_a_provider_who_takes_no_online_booking(self):
        self.pat.online_bookable = False
        self.assertNotIn("o_clinic_repeat", self.url_open(self.mine.access_url).text)
        refused = self.url_open(self.repeat_url(self.mine, interval=1, count=2))
        self.assertIn("cannot be booked online", refused.text)
        self.assertNotIn('name="keep"', refused.text)
        before = self.snapshot()
        self.assertEqual(self.confirm(1, [self.key(WEDNESDAYS[0])]).status_code, 400)
        self.assertEqual(self.snapshot(), before)

    def test_a_time_taken_between_preview_and_confirm_is_reported_and_the_others_booked(self):
        page = self.url_open(self.repeat_url(self.mine, interval=1, count=3))
        keys = KEEP.findall(page.text)
        self.assertEqual(len(keys), 3)
        # Someone books the second Wednesday before the client confirms.
        self.book(self.blair, WEDNESDAYS[1])
        done = self.confirm(3, keys)
        self.assertEqual(done.status_code, 200)
        visits = self.mine.series_id.appointment_ids - self.mine
        self.assertEqual(visits.sorted("start").mapped("start"), [WEDNESDAYS[0], WEDNESDAYS[2]])
        lost = lxml_html.fromstring(done.text).xpath("//div[hasclass('o_clinic_repeat_lost')]")
        self.assertEqual(len(lost), 1)
        self.assertIn("Wed 18 Mar 2026, 10:00", lost[0].text_content())
        self.assertLeaksNothing(done, "Blair", "Otherclient")
        note = self.mine.series_id.message_ids.filtered(lambda m: "Booked online" in str(m.body))
        self.assertIn("taken meanwhile", str(note.body))

    def test_the_series_books_what_is_still_free_when_a_time_is_lost_in_the_transaction(self):
        """The race itself: the plan still offers the time, but the booking finds it taken (here a
        booking made after the plan, in the same transaction): that visit is left out, the others
        are booked through _book_slot with the online rules."""
        lines = self.mine.sudo()._portal_repeat_preview(1, 3)
        series = self.env["clinic.appointment.series"].create(self.mine._portal_repeat_series_values(1, 3))
        self.book(self.blair, WEDNESDAYS[1])
        Line = self.env["clinic.series.wizard.line"]
        plan = Line.concat(*(Line.new({key: line[key] for key in (
            "sequence", "planned_start", "status", "start", "stop", "provider_id", "location_id", "room_id")})
            for line in lines))
        booked = series._apply_plan(plan, source="portal", partial=True)
        self.assertEqual(booked.mapped("start"), [WEDNESDAYS[0], WEDNESDAYS[2]])
        self.assertEqual(set(booked.mapped("source")), {"portal"})

    def test_the_per_client_limit(self):
        self.physio.max_upcoming_per_client = 3  # Alex holds one already: two more at most
        page = self.url_open(self.repeat_url(self.mine, interval=1, count=2))
        self.assertEqual(len(KEEP.findall(page.text)), 2)
        self.assertRegex(page.text, r"At most\s+2 more visits")
        too_many = self.url_open(self.repeat_url(self.mine, interval=1, count=3))
        self.assertEqual(too_many.status_code, 400)
        self.assertIn("At most 2 more visits", too_many.text)
        before = self.snapshot()
        refused = self.confirm(3, [self.key(start) for start in WEDNESDAYS[:3]])
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(self.snapshot(), before)
        # Counted again when the client confirms: a visit booked since the preview uses one up.
        self.book(self.alex, datetime(2026, 3, 6, 15, 0))
        before = self.snapshot()
        refused = self.confirm(2, [self.key(start) for start in WEDNESDAYS[:2]])
        self.assertEqual(refused.status_code, 400)
        self.assertIn("At most 1 more visits", refused.text)
        self.assertEqual(self.snapshot(), before, "nothing booked, no series")
        done = self.confirm(1, [self.key(WEDNESDAYS[0])])
        self.assertEqual(done.status_code, 200)
        self.assertEqual((self.mine.series_id.appointment_ids - self.mine).start, WEDNESDAYS[0])
        # At the limit: nothing more to repeat.
        self.assertEqual(self.mine._portal_repeat_max(1), 0)

    def test_the_booking_horizon_bounds_the_number_of_visits(self):
        self.physio.horizon_days = 15  # up to 17 March: one more Wednesday
        self.assertEqual(self.mine._portal_repeat_max(1), 1)
        self.assertEqual(self.mine._portal_repeat_max(2), 0)
        refused = self.url_open(self.repeat_url(self.mine, interval=1, count=2))
        self.assertEqual(refused.status_code, 400)
        self.assertIn("At most 1 more visits", refused.text)
        none = self.url_open(self.repeat_url(self.mine, interval=2, count=1))
        self.assertIn("how far ahead", none.text)

    def test_every_other_week(self):
        page = self.url_open(self.repeat_url(self.mine, interval=2, count=2))
        self.assertEqual(KEEP.findall(page.text), [self.key(WEDNESDAYS[1]), self.key(WEDNESDAYS[3])])

    def test_bad_input_is_a_message_never_an_error(self):
        before = self.snapshot()
        for params in ({"interval": 5, "count": 2}, {"interval": "x", "count": 2}, {"interval": 1, "count": 0},
                       {"interval": 1, "count": "many"}, {"interval": 1, "count": 99999}, {"interval": -1}):
            with self.subTest(params=params):
                page = self.url_open(self.repeat_url(self.mine, **params))
                self.assertEqual(page.status_code, 400)
                self.assertIn("o_clinic_repeat_error", page.text)
        for data in ({"interval": 1, "count": 2}, {"interval": 1, "count": 2, "keep": "tomorrow"},
                     {"interval": 1, "count": 2, "keep": [self.key(WEDNESDAYS[0])] * 1 + ["x|1"]},
                     {"interval": 1, "count": 2, "keep": f"2026-13-45 14:00:00|{self.pat.id}"},
                     {"interval": 7, "count": 2, "keep": self.key(WEDNESDAYS[0])},
                     {"interval": 1, "count": 1, "keep": [self.key(WEDNESDAYS[0]), self.key(WEDNESDAYS[1])]}):
            with self.subTest(data=data):
                response = self.confirm(data.get("count"), data.get("keep"), data["interval"])
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_clinic_repeat_error", response.text)
        # A time that is no date of this series (another day, another provider): not booked.
        response = self.confirm(2, [self.key(datetime(2026, 3, 12, 14, 0)), self.key(WEDNESDAYS[0], self.quinn)])
        self.assertEqual(response.status_code, 400)
        self.assertIn("nothing was booked", response.text)
        self.assertEqual(self.snapshot(), before)

    def test_every_field_is_labelled(self):
        tree = lxml_html.fromstring(self.url_open(self.repeat_url(self.mine, interval=1, count=3)).text)
        main = tree.xpath("//main")[0]
        fields = main.xpath(".//form//*[self::input or self::select or self::textarea][not(@type='hidden')]")
        self.assertEqual(len(fields), 2 + 3)
        for field in fields:
            self.assertTrue(field.get("id") and main.xpath(f".//label[@for='{field.get('id')}']"),
                            lxml_html.tostring(field))


@tagged("post_install", "-at_install")
class TestSeriesPortalTour(PortalTourCase):
    """The demo portal client repeats their appointment weekly: preview, untick a date, confirm
    (desktop and phone; the tour checks nothing is wider than the screen)."""
    tour_name = "clinic_portal_series"
    tour_login = "portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        for scope in ("availability", "booking", "appointment_link"):
            env["ir.config_parameter"].set_param(f"clinic_portal.rate_limit.{scope}", "100000/60")
        company = env.ref("website.default_website").company_id
        tz = "America/Toronto"
        calendar = env["resource.calendar"].create({
            "name": "Series tour every day 0-24", "tz": tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 24})
                               for d in range(7)],
        })
        location = env["clinic.location"].create({"name": "Tour Series Clinic", "tz": tz, "company_id": company.id})
        service = env["clinic.service"].create({
            "name": "Tour Series Physio", "duration": 30, "slot_interval": 30, "company_id": company.id,
        })
        provider = env["clinic.provider"].create({
            "name": "Tour Series Provider", "resource_calendar_id": calendar.id, "tz": tz, "company_id": company.id,
            "service_ids": [Command.set(service.ids)], "location_ids": [Command.set(location.ids)],
        })
        # The demo portal client, Joel Willis (login portal / portal), with a visit of their own.
        cls.client = env.ref("base.demo_user0")
        start = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        cls.appointment = env["clinic.appointment"].create({
            "partner_id": cls.client.partner_id.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": start,
        })

    def tour_url(self):
        return self.appointment.access_url

    def check_tour(self, before):
        series = self.appointment.series_id
        self.assertEqual(series.source, "portal")
        visits = (series.appointment_ids - self.appointment).sorted("start")
        self.assertEqual(len(visits), 3, "four dates offered, one left out")
        weeks = [round((visit.start - self.appointment.start).total_seconds() / (7 * 86400)) for visit in visits]
        self.assertEqual(weeks, [1, 3, 4], "the second week was left out")
