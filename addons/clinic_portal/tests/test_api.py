"""The public availability API (/clinic/api/v1): what anyone may read, and nothing more."""
from datetime import date, datetime

from odoo import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged, warmup

from odoo.addons.clinic_portal.controllers import api
from odoo.addons.clinic_scheduling.tests.common import ClinicCase

API = "/clinic/api/v1"
LOCATION_KEYS = {"id", "name", "tz", "address"}
ADDRESS_KEYS = {"street", "street2", "zip", "city", "state", "country_code"}
SERVICE_KEYS = {"id", "name", "description", "discipline", "duration", "new_clients_allowed", "min_notice_hours",
                "horizon_days", "location_ids"}
PROVIDER_KEYS = {"id", "name", "title", "discipline", "service_ids", "location_ids"}
SLOT_KEYS = {"start", "stop", "provider_id", "location_id"}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestPublicApi(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param("clinic_portal.rate_limit.availability", "1000/60")
        cls.company = env.ref("website.default_website").company_id
        cls.tz = "America/Toronto"
        cls.calendar = env["resource.calendar"].create({
            "name": "API weekdays 9-17", "tz": cls.tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 9, "hour_to": 17})
                               for d in range(5)],
        })
        address = env["res.partner"].create({
            "name": "API Clinic Main", "street": "1 Bay Street", "city": "Toronto", "zip": "M5J 2R8",
            "country_id": env.ref("base.ca").id, "is_company": True,
        })
        cls.main = env["clinic.location"].create({
            "name": "API Main", "tz": cls.tz, "company_id": cls.company.id, "partner_id": address.id,
        })
        cls.annex = env["clinic.location"].create({"name": "API Annex", "tz": cls.tz, "company_id": cls.company.id})
        cls.physio = env["clinic.service"].create({
            "name": "API Physio", "duration": 30, "slot_interval": 30, "company_id": cls.company.id,
            "location_ids": [Command.set(cls.main.ids)], "description": "<p>Follow-up visit</p>",
        })
        cls.shared = env["clinic.service"].create({"name": "API Shared Massage", "duration": 60, "company_id": False})
        cls.private = env["clinic.service"].create({
            "name": "API Staff Only", "duration": 30, "online_bookable": False, "company_id": cls.company.id,
        })
        cls.archived = env["clinic.service"].create({
            "name": "API Retired", "duration": 30, "active": False, "company_id": cls.company.id,
        })
        # Alice has a user with an email and phone numbers: none of it may reach the public.
        cls.alice_user = new_test_user(env, "t_api_alice", email="alice.private@example.com",
                                       groups="clinic_scheduling.group_clinic_provider", name="Alice Userlogin")
        cls.alice = env["clinic.provider"].create({
            "name": "API Alice", "title": "Registered Physiotherapist", "discipline": "physiotherapy",
            "user_id": cls.alice_user.id, "email": "alice.work@example.com", "phone": "+1 416 555 0101",
            "resource_calendar_id": cls.calendar.id, "tz": cls.tz, "company_id": cls.company.id,
            "service_ids": [Command.set((cls.physio | cls.shared | cls.private).ids)],
            "location_ids": [Command.set(cls.main.ids)],
        })
        cls.bob = env["clinic.provider"].create({
            "name": "API Bob", "resource_calendar_id": cls.calendar.id, "tz": cls.tz, "company_id": cls.company.id,
            "service_ids": [Command.set(cls.shared.ids)], "location_ids": [Command.set(cls.annex.ids)],
        })
        cls.hidden = env["clinic.provider"].create({
            "name": "API Hidden Provider", "online_bookable": False, "resource_calendar_id": cls.calendar.id,
            "tz": cls.tz, "company_id": cls.company.id, "service_ids": [Command.set(cls.physio.ids)],
            "location_ids": [Command.set(cls.main.ids)],
        })
        # Another clinic company in the same database, with a provider offering the shared service.
        cls.company_b = env["res.company"].create({"name": "API Westside Inc."})
        cls.west = env["clinic.location"].create({"name": "API Westside", "tz": cls.tz, "company_id": cls.company_b.id})
        cls.service_b = env["clinic.service"].create({
            "name": "API West Physio", "duration": 30, "company_id": cls.company_b.id,
        })
        cls.provider_b = env["clinic.provider"].create({
            "name": "API Wes", "company_id": cls.company_b.id, "resource_calendar_id": cls.calendar.id,
            "tz": cls.tz, "service_ids": [Command.set((cls.service_b | cls.shared).ids)],
            "location_ids": [Command.set(cls.west.ids)],
        })
        cls.client = env["res.partner"].create({
            "name": "Jane Privateclient", "email": "jane.client@example.com", "phone": "+1 416 555 0199",
        })

    def get(self, path, **kwargs):
        return self.url_open(f"{API}/{path}", allow_redirects=False, **kwargs)

    def assertJsonError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        error = response.json()["error"]
        self.assertEqual((error["status"], error["code"]), (status, code))
        self.assertTrue(error["message"])
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        return error["message"]

    def assertNothingPersonal(self, text):
        for secret in ("alice.private@example.com", "alice.work@example.com", "555 0101", "Alice Userlogin",
                       "Jane Privateclient", "jane.client@example.com", "555 0199", "t_api_alice"):
            self.assertNotIn(secret, text)

    def setUp(self):
        super().setUp()
        api._answers.clear()  # each test starts with no answer remembered by the server

    def slots(self, service, query, fresh=False):
        headers = {"Cache-Control": "no-cache"} if fresh else {}
        response = self.get(f"services/{service.id}/slots?{query}", headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    # ------------------------------------------------------------------------------------------
    def test_anonymous_reads_the_public_lists_and_nothing_personal(self):
        locations = self.get("locations")
        self.assertEqual(locations.status_code, 200)
        self.assertEqual(locations.headers["Cache-Control"], "public, max-age=300")
        self.assertTrue(locations.headers["ETag"])
        self.assertNotIn("Set-Cookie", locations.headers, "a publicly cached answer sets no cookie")
        by_id = {loc["id"]: loc for loc in locations.json()["locations"]}
        self.assertTrue(all(set(loc) == LOCATION_KEYS for loc in by_id.values()))
        self.assertEqual(by_id[self.main.id], {
            "id": self.main.id, "name": "API Main", "tz": self.tz,
            "address": {"street": "1 Bay Street", "street2": None, "zip": "M5J 2R8", "city": "Toronto",
                        "state": None, "country_code": "CA"},
        })
        self.assertIsNone(by_id[self.annex.id]["address"])
        self.assertNotIn(self.west.id, by_id, "another company's site")

        services = {s["id"]: s for s in self.get("services").json()["services"]}
        self.assertTrue(all(set(s) == SERVICE_KEYS for s in services.values()))
        self.assertEqual(services[self.physio.id], {
            "id": self.physio.id, "name": "API Physio", "description": "<p>Follow-up visit</p>", "discipline": None,
            "duration": 30, "new_clients_allowed": True, "min_notice_hours": 2.0, "horizon_days": 90,
            "location_ids": [self.main.id],
        })
        self.assertIn(self.shared.id, services, "a service of no company is offered by every clinic")
        self.assertLessEqual({self.main.id, self.annex.id}, set(services[self.shared.id]["location_ids"]))
        self.assertNotIn(self.west.id, services[self.shared.id]["location_ids"], "another company's site")
        for unlisted in (self.private, self.archived, self.service_b):
            self.assertNotIn(unlisted.id, services, unlisted.name)

        providers_answer = self.get("providers")
        providers = {p["id"]: p for p in providers_answer.json()["providers"]}
        self.assertTrue(all(set(p) == PROVIDER_KEYS for p in providers.values()))
        self.assertEqual(providers[self.alice.id], {
            "id": self.alice.id, "name": "API Alice", "title": "Registered Physiotherapist",
            "discipline": "physiotherapy", "service_ids": [self.physio.id, self.shared.id],
            "location_ids": [self.main.id],
        })
        self.assertNotIn(self.private.id, providers[self.alice.id]["service_ids"], "a staff-only service")
        self.assertIn(self.bob.id, providers)
        self.assertNotIn(self.hidden.id, providers, "not bookable online")
        self.assertNotIn(self.provider_b.id, providers, "another company's provider")
        for response in (locations, providers_answer):
            self.assertNothingPersonal(response.text)

    def test_a_logged_in_visitor_gets_the_same_answer(self):
        """The answers are public and cacheable by anyone: they do not depend on who asks."""
        anonymous = [self.get(path).text for path in ("services", "providers")]
        new_test_user(self.env, "t_api_portal", password="t_api_portal_pw", groups="base.group_portal")
        self.authenticate("t_api_portal", "t_api_portal_pw")
        self.assertEqual([self.get(path).text for path in ("services", "providers")], anonymous)
        self.authenticate("admin", "admin")
        self.assertEqual([self.get(path).text for path in ("services", "providers")], anonymous)

    def test_filters(self):
        at_annex = [s["id"] for s in self.get(f"services?location_id={self.annex.id}").json()["services"]]
        self.assertIn(self.shared.id, at_annex)
        self.assertNotIn(self.physio.id, at_annex, "offered at Main only")
        offering = [p["id"] for p in self.get(f"providers?service_id={self.physio.id}").json()["providers"]]
        self.assertEqual(offering, [self.alice.id], "Hidden is not bookable online")
        offering = [p["id"] for p in self.get(f"providers?service_id={self.shared.id}").json()["providers"]]
        self.assertEqual(offering, [self.alice.id, self.bob.id])
        at_annex = self.get(f"providers?service_id={self.shared.id}&location_id={self.annex.id}").json()
        self.assertEqual([p["id"] for p in at_annex["providers"]], [self.bob.id])

    def test_what_is_not_public_is_not_found(self):
        week = "date_from=2026-03-03&date_to=2026-03-09"
        for path in (
            f"services/{self.private.id}/slots?{week}",  # not bookable online
            f"services/{self.archived.id}/slots?{week}",  # archived
            f"services/{self.service_b.id}/slots?{week}",  # another company's
            f"services/2147483647/slots?{week}",  # no such service
            f"services/{self.physio.id}/slots?{week}&provider_id={self.hidden.id}",
            f"services/{self.physio.id}/slots?{week}&provider_id={self.bob.id}",  # does not offer it
            f"services/{self.shared.id}/slots?{week}&provider_id={self.provider_b.id}",
            f"services/{self.physio.id}/slots?{week}&location_id={self.annex.id}",  # not offered there
            f"services/{self.shared.id}/slots?{week}&location_id={self.west.id}",
            f"services?location_id={self.west.id}",
            f"providers?service_id={self.private.id}",
            f"providers?service_id={self.service_b.id}",
            f"providers?location_id={self.west.id}",
            "nothing-here",
            f"services/{self.physio.id}",
        ):
            with self.subTest(path=path):
                message = self.assertJsonError(self.get(path), 404, "not_found")
                for name in ("API Staff Only", "API Retired", "API West Physio", "API Westside", "API Wes"):
                    self.assertNotIn(name, message)

    def test_bad_parameters_are_a_400_that_says_what_is_wrong(self):
        service = f"services/{self.physio.id}/slots"
        for path, expected in (
            (service, "date_from is required"),
            (f"{service}?date_from=03/03/2026", "date_from must be a date"),
            (f"{service}?date_from=2026-02-30", "date_from must be a date"),
            (f"{service}?date_from=20260303", "date_from must be a date"),
            (f"{service}?date_from=2026-03-03&date_to=tomorrow", "date_to must be a date"),
            (f"{service}?date_from=2026-03-10&date_to=2026-03-03", "date_to must not be before date_from"),
            (f"{service}?date_from=2026-03-01&date_to=2026-04-01", "At most 31 days"),
            (f"{service}?date_from=9999-12-31", "date_from must be between"),
            (f"{service}?date_from=2026-03-03&provider_id=abc", "provider_id must be a record id"),
            (f"{service}?date_from=2026-03-03&location_id=-1", "location_id must be a record id"),
            (f"{service}?date_from=2026-03-03&location_id=0", "location_id must be a record id"),
            ("services/abc/slots?date_from=2026-03-03", "service id must be a record id"),
            ("services/99999999999/slots?date_from=2026-03-03", "service id must be a record id"),
            ("services?location_id=1.5", "location_id must be a record id"),
            ("providers?service_id=1e3", "service_id must be a record id"),
            ("locations?lang=xx_XX", "lang must be one of"),
        ):
            with self.subTest(path=path):
                self.assertIn(expected, self.assertJsonError(self.get(path), 400, "bad_request"))

    def test_slots_are_the_engines_online_slots_in_local_days(self):
        answer = self.slots(self.physio, "date_from=2026-03-03&date_to=2026-03-04")
        self.assertEqual(answer["locations"], [{"id": self.main.id, "name": "API Main", "tz": self.tz}])
        self.assertEqual((answer["service_id"], answer["date_from"], answer["date_to"]),
                         (self.physio.id, "2026-03-03", "2026-03-04"))
        slots = answer["slots"]
        self.assertTrue(all(set(slot) == SLOT_KEYS for slot in slots))
        # Alice works 9:00-17:00 in Toronto (UTC-5): 30-minute slots every 30 minutes, two days.
        self.assertEqual(slots[0], {"start": "2026-03-03T14:00:00Z", "stop": "2026-03-03T14:30:00Z",
                                    "provider_id": self.alice.id, "location_id": self.main.id})
        self.assertEqual(slots[-1]["start"], "2026-03-04T21:30:00Z")
        self.assertEqual(len(slots), 2 * 16)
        self.assertEqual({slot["provider_id"] for slot in slots}, {self.alice.id}, "Hidden is not bookable online")
        # The same as the engine answers for those two local days, with its online rules.
        expected = self.physio._get_available_slots(
            datetime(2026, 3, 3, 5, 0), datetime(2026, 3, 5, 5, 0), online=True,
        )
        self.assertEqual(
            slots,
            [{"start": s["start"].isoformat() + "Z", "stop": s["stop"].isoformat() + "Z",
              "provider_id": s["provider_id"], "location_id": s["location_id"]} for s in expected],
        )
        self.assertEqual(self.slots(self.physio, "date_from=2026-03-03")["slots"], slots[:16],
                         "date_to defaults to date_from")
        # Online rules: June is beyond the 90-day horizon; with 4 hours' notice, today's first slot
        # at 7:00 (12:00 UTC) is 11:00.
        self.assertEqual(self.slots(self.physio, "date_from=2026-06-01&date_to=2026-06-05")["slots"], [])
        self.physio.min_notice_hours = 4
        today = self.slots(self.physio, "date_from=2026-03-02")["slots"]
        self.assertEqual(today[0]["start"], "2026-03-02T16:00:00Z")

    def test_slots_of_a_shared_service_stay_in_the_websites_company(self):
        answer = self.slots(self.shared, "date_from=2026-03-03")
        self.assertLessEqual({self.main.id, self.annex.id}, {loc["id"] for loc in answer["locations"]})
        self.assertNotIn(self.west.id, {loc["id"] for loc in answer["locations"]})
        self.assertEqual({(s["provider_id"], s["location_id"]) for s in answer["slots"]},
                         {(self.alice.id, self.main.id), (self.bob.id, self.annex.id)})
        at_annex = self.slots(self.shared, f"date_from=2026-03-03&location_id={self.annex.id}")["slots"]
        self.assertEqual({s["location_id"] for s in at_annex}, {self.annex.id})
        bob = self.slots(self.shared, f"date_from=2026-03-03&provider_id={self.bob.id}")
        self.assertEqual({s["provider_id"] for s in bob["slots"]}, {self.bob.id})
        self.assertEqual([loc["id"] for loc in bob["locations"]], [self.annex.id], "where Bob works")
        # The engine alone would also offer Wes at Westside (another company): the API does not.
        engine = self.shared._get_available_slots(datetime(2026, 3, 3, 5), datetime(2026, 3, 4, 5), online=True)
        self.assertIn(self.provider_b.id, {s["provider_id"] for s in engine})
        # A shared service at sites of both clinics, by a provider of no company (who works wherever
        # the service is offered): this website offers only their hours at its own sites.
        self.shared.location_ids = self.main | self.west
        roaming = self.env["clinic.provider"].create({
            "name": "API Roaming", "company_id": False, "resource_calendar_id": self.calendar.id, "tz": self.tz,
            "service_ids": [Command.set(self.shared.ids)],
        })
        engine = self.shared._get_available_slots(datetime(2026, 3, 3, 5), datetime(2026, 3, 4, 5),
                                                  provider_ids=roaming.ids, online=True)
        self.assertEqual({s["location_id"] for s in engine}, {self.main.id, self.west.id})
        answer = self.slots(self.shared, f"date_from=2026-03-03&provider_id={roaming.id}")
        self.assertEqual([loc["id"] for loc in answer["locations"]], [self.main.id])
        self.assertEqual({s["location_id"] for s in answer["slots"]}, {self.main.id})

    def test_a_day_is_the_locations_local_day(self):
        """In Auckland (UTC+13 in March), Tuesday 3 March 9:00 is Monday 2 March 20:00 UTC."""
        auckland = self.env["clinic.location"].create({
            "name": "API Auckland", "tz": "Pacific/Auckland", "company_id": self.company.id,
        })
        service = self.env["clinic.service"].create({
            "name": "API Kiwi Physio", "duration": 60, "slot_interval": 60, "company_id": self.company.id,
            "location_ids": [Command.set(auckland.ids)],
        })
        self.bob.write({"service_ids": [Command.link(service.id)], "location_ids": [Command.link(auckland.id)]})
        slots = self.slots(service, "date_from=2026-03-03")["slots"]
        self.assertEqual([s["start"] for s in slots], [f"2026-03-0{d}T{h:02d}:00:00Z" for d, h in
                                                      [(2, 20), (2, 21), (2, 22), (2, 23), (3, 0), (3, 1), (3, 2),
                                                       (3, 3)]])

    def test_a_booked_slot_disappears(self):
        query = "date_from=2026-03-03"
        before = self.slots(self.physio, query)["slots"]
        taken = {"start": "2026-03-03T15:00:00Z", "stop": "2026-03-03T15:30:00Z",
                 "provider_id": self.alice.id, "location_id": self.main.id}
        self.assertIn(taken, before)
        self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": self.physio.id, "provider_id": self.alice.id,
            "location_id": self.main.id, "start": datetime(2026, 3, 3, 15, 0),
        })
        after = self.slots(self.physio, query, fresh=True)
        self.assertEqual(after["slots"], [slot for slot in before if slot != taken])
        self.assertNothingPersonal(self.get(f"services/{self.physio.id}/slots?{query}").text)

    def test_answers_are_cacheable_and_revalidated_with_an_etag(self):
        first = self.get(f"services/{self.physio.id}/slots?date_from=2026-03-03")
        self.assertEqual(first.headers["Cache-Control"], "public, max-age=30", "free slots change with bookings")
        self.assertNotIn("Set-Cookie", first.headers)
        etag = first.headers["ETag"]
        again = self.get(f"services/{self.physio.id}/slots?date_from=2026-03-03", headers={"If-None-Match": etag})
        self.assertEqual((again.status_code, again.content), (304, b""))
        self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": self.physio.id, "provider_id": self.alice.id,
            "location_id": self.main.id, "start": datetime(2026, 3, 3, 15, 0),
        })
        changed = self.get(f"services/{self.physio.id}/slots?date_from=2026-03-03",
                           headers={"If-None-Match": etag, "Cache-Control": "no-cache"})
        self.assertEqual(changed.status_code, 200, "a booking changes the answer, and its ETag")
        self.assertNotEqual(changed.headers["ETag"], etag)

    def test_the_server_reuses_an_answer_for_a_few_seconds(self):
        query = "date_from=2026-03-03"
        before = self.slots(self.physio, query)["slots"]
        self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": self.physio.id, "provider_id": self.alice.id,
            "location_id": self.main.id, "start": datetime(2026, 3, 3, 15, 0),
        })
        self.assertEqual(self.slots(self.physio, query)["slots"], before, "the answer of a moment ago")
        with freeze_time("2026-03-02 12:00:11"):
            self.assertLess(len(self.slots(self.physio, query)["slots"]), len(before),
                            "computed again once 10 seconds old")
        # Asked with "Cache-Control: no-cache", an answer is always computed afresh (and remembered).
        self.assertLess(len(self.slots(self.physio, query, fresh=True)["slots"]), len(before))

    def test_a_reused_answer_costs_one_query(self):
        """An answer reused by the server is sent as it was written: the visitor's request reads
        nothing (no website, language or clinic data) and writes only the rate-limit counter."""
        path = f"services/{self.physio.id}/slots?date_from=2026-03-03&lang=en_US"
        first = self.get(path)
        with self.assertQueryCount(1):  # the rate-limit counter's upsert
            again = self.get(path)
        self.assertEqual((again.status_code, again.content, again.headers["ETag"]),
                         (200, first.content, first.headers["ETag"]))
        self.assertEqual(again.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertJsonError(self.get(f"services/{self.physio.id}/slots?date_from=2026-03-03&lang=xx_XX"),
                             400, "bad_request")

    def test_get_only(self):
        for path in ("services", "providers", "locations", f"services/{self.physio.id}/slots?date_from=2026-03-03"):
            with self.subTest(path=path):
                response = self.url_open(f"{API}/{path}", data={"date_from": "2026-03-03"}, allow_redirects=False)
                self.assertJsonError(response, 405, "method_not_allowed")
                self.assertEqual(response.headers["Allow"], "GET, HEAD")

    def test_rate_limit(self):
        self.env["ir.config_parameter"].set_param("clinic_portal.rate_limit.availability", "3/60")
        paths = ("services", "providers", f"services/{self.physio.id}/slots?date_from=2026-03-03")
        self.assertEqual([self.get(path).status_code for path in paths], [200, 200, 200])
        for path in (*paths, "services/abc/slots"):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertIn("Too many requests", self.assertJsonError(response, 429, "too_many_requests"))
                # Frozen at 12:00:00: the one-minute window ends in 60 seconds.
                self.assertEqual(response.headers["Retry-After"], "60")

    def test_a_website_of_another_company_shows_that_company(self):
        """The API answers for the company of the website the request is addressed to."""
        self.env["website"].create({"name": "Westside web", "company_id": self.company_b.id, "domain": "127.0.0.1"})
        services = [s["id"] for s in self.get("services").json()["services"]]
        self.assertIn(self.service_b.id, services)
        self.assertIn(self.shared.id, services)
        self.assertNotIn(self.physio.id, services)
        self.assertEqual([loc["id"] for loc in self.get("locations").json()["locations"]], [self.west.id])
        self.assertEqual([p["id"] for p in self.get("providers").json()["providers"]], [self.provider_b.id])
        self.assertJsonError(self.get(f"services/{self.physio.id}/slots?date_from=2026-03-03"), 404, "not_found")
        slots = self.slots(self.shared, "date_from=2026-03-03")["slots"]
        self.assertEqual({(s["provider_id"], s["location_id"]) for s in slots}, {(self.provider_b.id, self.west.id)})


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestPublicApiQueries(ClinicCase):
    """The slots route costs a fixed number of queries, whatever the providers and days: 7 for the
    public services, locations and providers (searches, their fields, locations and services of
    each), and the engine's own."""

    @warmup
    def test_slots_query_count(self):
        Service = self.env["clinic.service"].with_user(self.env.ref("base.public_user"))
        company = self.env.company
        with self.assertQueryCountExactly(12):
            answer = Service._api_slots(company, self.talk.id, date(2026, 3, 3), date(2026, 3, 3))
        self.assertEqual({s["provider_id"] for s in answer["slots"]}, {self.carol.id})
        more = self.env["clinic.provider"].create([{
            "name": f"Counsellor {i}", "resource_calendar_id": self.calendar.id, "tz": self.tz,
            "service_ids": [Command.set(self.talk.ids)], "location_ids": [Command.set(self.location.ids)],
        } for i in range(10)])
        with self.assertQueryCountExactly(12):
            answer = Service._api_slots(company, self.talk.id, date(2026, 3, 3), date(2026, 4, 2))
        self.assertEqual({s["provider_id"] for s in answer["slots"]}, set((self.carol | more).ids))
