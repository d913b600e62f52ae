from datetime import datetime, timedelta
from urllib.parse import urlparse

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.clinic_scheduling.tests.common import ExactQueryCountMixin


@tagged("post_install", "-at_install")
class TestClinicPortal(ExactQueryCountMixin, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_user = new_test_user(cls.env, "t_portal_a", password="t_portal_a_pw", groups="base.group_portal",
                                        name="Alex Portal")
        cls.other_user = new_test_user(cls.env, "t_portal_b", password="t_portal_b_pw", groups="base.group_portal",
                                       name="Blair Portal")
        cls.location = location = cls.env["clinic.location"].create({"name": "Tour Clinic", "tz": "America/Toronto"})
        cls.service = service = cls.env["clinic.service"].create({"name": "Tour Physio", "duration": 30})
        other_service = cls.env["clinic.service"].create({"name": "Secret Massage", "duration": 60})
        cls.provider = provider = cls.env["clinic.provider"].create({
            "name": "Tour Provider", "service_ids": [Command.set((service | other_service).ids)],
        })
        start = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
        Appointment = cls.env["clinic.appointment"]
        cls.mine = Appointment.create({
            "partner_id": cls.client_user.partner_id.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": start,
        })
        cls.theirs = Appointment.create({
            "partner_id": cls.other_user.partner_id.id, "service_id": other_service.id, "provider_id": provider.id,
            "location_id": location.id, "start": start + timedelta(hours=2),
        })
        cls.mine_past = Appointment.create({
            "partner_id": cls.client_user.partner_id.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": datetime(2025, 5, 5, 14, 0),
        })

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open("/my/appointments", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(f"/my/appointments/{self.mine.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        # Where the visitor lands (the login page) shows nothing of the appointment.
        landed = self.url_open(f"/my/appointments/{self.mine.id}")
        self.assertEqual((landed.status_code, urlparse(landed.url).path), (200, "/web/login"))
        self.assertNotIn("Tour Physio", landed.text)
        self.assertNotIn(self.mine.name, landed.text)

    def test_client_lists_only_their_own(self):
        self.authenticate("t_portal_a", "t_portal_a_pw")
        upcoming = self.url_open("/my/appointments")
        self.assertEqual(upcoming.status_code, 200)
        self.assertIn(self.mine.get_portal_url(), upcoming.text)
        self.assertNotIn("Secret Massage", upcoming.text)
        self.assertNotIn(self.mine_past.get_portal_url(), upcoming.text, "past visits are under the Past filter")
        past = self.url_open("/my/appointments?filterby=past")
        self.assertIn(self.mine_past.get_portal_url(), past.text)
        self.assertNotIn("Secret Massage", past.text)

    def test_client_opens_their_appointment_but_not_another_clients(self):
        self.authenticate("t_portal_a", "t_portal_a_pw")
        mine = self.url_open(self.mine.get_portal_url())
        self.assertEqual(mine.status_code, 200)
        self.assertIn("Tour Provider", mine.text)
        self.assertIn(self.mine.name, mine.text)
        theirs = self.url_open(f"/my/appointments/{self.theirs.id}", allow_redirects=False)
        self.assertEqual(theirs.status_code, 303)
        self.assertTrue(theirs.headers["Location"].endswith("/my"))
        landed = self.url_open(f"/my/appointments/{self.theirs.id}")
        self.assertEqual((landed.status_code, urlparse(landed.url).path), (200, "/my"))
        self.assertNotIn("Secret Massage", landed.text)
        self.assertNotIn(self.theirs.name, landed.text)
        missing = self.url_open("/my/appointments/999999999", allow_redirects=False)
        self.assertEqual(missing.status_code, 303)

    def test_access_token(self):
        self.mine._portal_ensure_token()
        good = self.url_open(f"/my/appointments/{self.mine.id}?access_token={self.mine.access_token}")
        self.assertEqual(good.status_code, 200)
        self.assertIn("Tour Physio", good.text)
        bad = self.url_open(f"/my/appointments/{self.mine.id}?access_token=not-the-token", allow_redirects=False)
        self.assertEqual(bad.status_code, 303)
        # A token opens its own appointment only.
        other = self.url_open(
            f"/my/appointments/{self.theirs.id}?access_token={self.mine.access_token}", allow_redirects=False
        )
        self.assertEqual(other.status_code, 303)
        # Another client, logged in with a real token (the link of their own appointment), cannot
        # open this client's appointment with it.
        self.theirs._portal_ensure_token()
        self.authenticate("t_portal_b", "t_portal_b_pw")
        own = self.url_open(f"/my/appointments/{self.theirs.id}?access_token={self.theirs.access_token}")
        self.assertEqual(own.status_code, 200)
        self.assertIn("Secret Massage", own.text)
        response = self.url_open(
            f"/my/appointments/{self.mine.id}?access_token={self.theirs.access_token}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        landed = self.url_open(f"/my/appointments/{self.mine.id}?access_token={self.theirs.access_token}")
        self.assertEqual(urlparse(landed.url).path, "/my")
        self.assertNotIn("Tour Physio", landed.text)

    def test_list_query_count(self):
        """The list costs the same whatever the number of appointments on the page (no query per row)."""
        self.authenticate("t_portal_a", "t_portal_a_pw")
        for _warm_up in range(3):
            self.url_open("/my/appointments")
        # 17: the page, one query for the balance the client owes (their unpaid invoices), one for the
        # forms they are asked to fill, two for the link to their prepaid packages (does the clinic
        # take payments online, has the client a package).
        with self.assertQueryCountExactly(17):
            page = self.url_open("/my/appointments")
        self.assertEqual(page.text.count('href="/my/appointments/'), 1)
        more = self.env["clinic.appointment"].create([{
            "partner_id": self.client_user.partner_id.id, "service_id": self.service.id,
            "provider_id": self.provider.id, "location_id": self.location.id,
            "start": self.mine.start + timedelta(days=day),
        } for day in range(1, 10)])
        self.url_open("/my/appointments")  # their private links are made at their first display, in one UPDATE
        with self.assertQueryCountExactly(17):
            page = self.url_open("/my/appointments")
        self.assertEqual([page.text.count(f'href="/my/appointments/{a.id}?') for a in self.mine | more], [1] * 10)

    def test_portal_tour(self):
        self.start_tour("/my", "clinic_portal_my_appointments", login="t_portal_a")
