"""Self-service on the portal: a client cancels, reschedules, waits for an earlier time, accepts a
waitlist offer from its email link, fills and signs forms, sees what they owe. Every route refuses
the anonymous visitor, another client and a wrong or lapsed token, and leaks nothing to them."""
import base64
import io
import json
import re
from datetime import datetime, timedelta

from lxml import html as lxml_html
from PIL import Image

from odoo import Command, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PortalTourCase

NOW = "2026-03-02 12:00:00"  # Monday 7:00 in Toronto (EST, UTC-5)


def signature_png():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


class SelfServiceCase(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param("clinic_portal.rate_limit.appointment_link", "100000/60")
        cls.company = env.ref("website.default_website").company_id
        tz = "America/Toronto"
        calendar = env["resource.calendar"].create({
            "name": "Self weekdays 9-17", "tz": tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 9, "hour_to": 17})
                               for d in range(5)],
        })
        cls.location = env["clinic.location"].create({"name": "Self Main", "tz": tz, "company_id": cls.company.id})
        cls.late_fee = env["product.product"].create({
            "name": "Self late fee", "type": "service", "list_price": 40.0, "taxes_id": [Command.clear()],
        })
        cls.physio = env["clinic.service"].create({
            "name": "Self Physio", "duration": 30, "slot_interval": 30, "company_id": cls.company.id,
            "late_cancel_hours": 24, "late_cancel_product_id": cls.late_fee.id,
        })
        cls.secret = env["clinic.service"].create({
            "name": "Secret Massage", "duration": 30, "slot_interval": 30, "company_id": cls.company.id,
        })
        cls.pat_user = new_test_user(env, "t_self_pat", groups="clinic_scheduling.group_clinic_provider",
                                     name="Pat Provider", email="pat@example.com")
        cls.pat = env["clinic.provider"].create({
            "name": "Self Pat", "user_id": cls.pat_user.id, "resource_calendar_id": calendar.id, "tz": tz,
            "company_id": cls.company.id, "service_ids": [Command.set((cls.physio | cls.secret).ids)],
            "location_ids": [Command.set(cls.location.ids)],
        })
        cls.quinn = env["clinic.provider"].create({
            "name": "Self Quinn", "resource_calendar_id": calendar.id, "tz": tz, "company_id": cls.company.id,
            "service_ids": [Command.set((cls.physio | cls.secret).ids)],
            "location_ids": [Command.set(cls.location.ids)],
        })
        cls.alex = new_test_user(env, "t_self_alex", password="t_self_alex_pw", groups="base.group_portal",
                                 name="Alex Selfserve", email="alex.selfserve@example.com")
        cls.blair = new_test_user(env, "t_self_blair", password="t_self_blair_pw", groups="base.group_portal",
                                  name="Blair Otherclient", email="blair@example.com")
        Appointment = env["clinic.appointment"]
        cls.mine = Appointment.create({
            "partner_id": cls.alex.partner_id.id, "service_id": cls.physio.id, "provider_id": cls.pat.id,
            "location_id": cls.location.id, "start": datetime(2026, 3, 4, 15, 0),
        })
        cls.late = Appointment.create({
            "partner_id": cls.alex.partner_id.id, "service_id": cls.physio.id, "provider_id": cls.pat.id,
            "location_id": cls.location.id, "start": datetime(2026, 3, 2, 19, 0),
        })
        cls.theirs = Appointment.create({
            "partner_id": cls.blair.partner_id.id, "service_id": cls.secret.id, "provider_id": cls.quinn.id,
            "location_id": cls.location.id, "start": datetime(2026, 3, 4, 16, 0),
        })
        template = env["clinic.form.template"].create({
            "name": "Self Intake", "company_id": cls.company.id,
            "question_ids": [
                Command.create({"label": "Any allergies?", "kind": "text", "required": True}),
                Command.create({"label": "First visit?", "kind": "yes_no"}),
            ],
        })
        template.action_publish()
        cls.form = env["clinic.form"].create({
            "template_id": template.id, "partner_id": cls.alex.partner_id.id, "appointment_id": cls.mine.id,
        })
        cls.allergies, cls.first_visit = template.question_ids.sorted("sequence")

    def csrf(self):
        return http.Request.csrf_token(self)

    def post(self, url, data=None, csrf=True):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf()
        return self.url_open(url, data=data, allow_redirects=False)

    def snapshot(self):
        """What a refused or read-only request must leave as it was."""
        records = self.mine | self.late | self.theirs
        records.invalidate_recordset()
        self.form.invalidate_recordset()
        return {
            "appointments": [(a.state, a.start, a.provider_id.id, a.late_cancel) for a in records],
            "count": self.env["clinic.appointment"].search_count([]),
            "waitlist": self.env["clinic.waitlist"].search_count([]),
            "messages": self.env["mail.message"].search_count([("model", "=", "clinic.appointment")]),
            "form": (self.form.state, self.form.answer_ids.mapped("value")),
        }

    def assertLeaksNothing(self, response, *names):
        for name in names or ("Alex Selfserve", "Self Physio", self.mine.name, "Self Pat"):
            self.assertNotIn(name, response.text)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSelfServiceAccess(SelfServiceCase):
    """The route matrix: anonymous, another client, wrong token, expired offer token."""

    def routes(self, appointment, token=None):
        q = f"?access_token={token}" if token else ""
        base = f"/my/appointments/{appointment.id}"
        slot = "2026-03-05 15:00:00|%s" % self.pat.id
        return {
            "get": [f"{base}/ics{q}", f"{base}/reschedule{q}", f"/my/forms/{self.form.id}{q}"],
            "post": [
                (f"{base}/cancel", {"access_token": token} if token else {}),
                (f"{base}/reschedule", dict({"slot": slot}, **({"access_token": token} if token else {}))),
                (f"{base}/waitlist", {"access_token": token} if token else {}),
                (f"/my/forms/{self.form.id}{q}", {f"q_{self.allergies.id}": "Peanuts"}),
            ],
        }

    def assertRefusedEverywhere(self, appointment, token=None, logged_in=False):
        before = self.snapshot()
        routes = self.routes(appointment, token)
        for url in routes["get"]:
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                if url.startswith("/my/forms") and not logged_in and not token:
                    self.assertEqual(response.status_code, 303)
                    self.assertIn("/web/login", response.headers["Location"])
                else:
                    self.assertEqual(response.status_code, 404)
                self.assertLeaksNothing(response)
        for url, data in routes["post"]:
            with self.subTest(url=url):
                response = self.post(url, data)
                if url.startswith("/my/forms") and not logged_in and not token:
                    self.assertEqual(response.status_code, 303)
                    self.assertIn("/web/login", response.headers["Location"])
                else:
                    self.assertEqual(response.status_code, 404)
                self.assertLeaksNothing(response)
        # Signing (JSON-RPC, as the portal's signature dialog calls it): refused, the form unchanged.
        sign = self.url_open(f"/my/forms/{self.form.id}/sign", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"name": "Mallory", "signature": signature_png(), **({"access_token": token} if token else {})},
        }), headers={"Content-Type": "application/json"})
        self.assertNotIn("redirect_url", sign.json().get("result") or {})
        self.assertIn("error", sign.json().get("result") or sign.json())
        detail = self.url_open(f"/my/appointments/{appointment.id}" + (f"?access_token={token}" if token else ""))
        self.assertIn(detail.url.split("?")[0].rsplit("/", 1)[-1], ("my", "login"))
        self.assertLeaksNothing(detail)
        self.assertEqual(self.snapshot(), before, "nothing changed")

    def test_anonymous(self):
        self.authenticate(None, None)
        self.assertRefusedEverywhere(self.mine)

    def test_anonymous_with_a_wrong_token(self):
        self.authenticate(None, None)
        self.assertRefusedEverywhere(self.mine, token="not-the-token")

    def test_another_client_even_with_their_own_token(self):
        self.theirs._portal_ensure_token()
        self.authenticate("t_self_blair", "t_self_blair_pw")
        self.assertRefusedEverywhere(self.mine, logged_in=True)
        self.assertRefusedEverywhere(self.mine, token=self.theirs.access_token, logged_in=True)
        # And Blair's own appointment works for Blair (the routes are not simply broken).
        own = self.url_open(f"/my/appointments/{self.theirs.id}/ics")
        self.assertEqual(own.status_code, 200)
        self.assertIn("BEGIN:VCALENDAR", own.text)

    def test_the_private_link_opens_its_own_appointment(self):
        self.mine._portal_ensure_token()
        self.authenticate(None, None)
        ics = self.url_open(f"/my/appointments/{self.mine.id}/ics?access_token={self.mine.access_token}")
        self.assertEqual(ics.status_code, 200)
        self.assertEqual(ics.headers["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn("DTSTART:20260304T150000Z", ics.text)
        # The token of one appointment opens no other.
        other = self.url_open(f"/my/appointments/{self.theirs.id}/ics?access_token={self.mine.access_token}")
        self.assertEqual(other.status_code, 404)
        self.assertNotIn("Secret Massage", other.text)

    def test_get_routes_change_nothing(self):
        self.authenticate("t_self_alex", "t_self_alex_pw")
        before = self.snapshot()
        for url in (self.mine.access_url, f"{self.mine.access_url}/ics", f"{self.mine.access_url}/reschedule",
                    f"{self.late.access_url}", f"/my/forms/{self.form.id}", "/my/appointments"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)
        # A GET on a POST-only route does not run it.
        response = self.url_open(f"{self.mine.access_url}/cancel", allow_redirects=False)
        self.assertIn(response.status_code, (404, 405))
        self.assertEqual(self.snapshot(), before)

    @mute_logger("odoo.http")
    def test_post_without_csrf_is_refused(self):
        self.authenticate("t_self_alex", "t_self_alex_pw")
        before = self.snapshot()
        slot = "2026-03-05 15:00:00|%s" % self.pat.id
        for url, data in ((f"{self.mine.access_url}/cancel", {}),
                          (f"{self.mine.access_url}/reschedule", {"slot": slot}),
                          (f"{self.mine.access_url}/waitlist", {}),
                          (f"/my/forms/{self.form.id}", {f"q_{self.allergies.id}": "Peanuts"})):
            with self.subTest(url=url):
                self.assertEqual(self.post(url, dict(data, note="x"), csrf=False).status_code, 400)
        self.assertEqual(self.snapshot(), before)
        # The offer's link with its right token, but no CSRF token: refused, nothing booked.
        offer = self.mine._portal_join_waitlist()._make_offers()
        response = self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": offer.sudo().access_token},
                             csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual((offer.state, offer.appointment_id), ("open", self.env["clinic.appointment"]))

    def test_guessing_links_is_slowed_down(self):
        self.env["ir.config_parameter"].set_param("clinic_portal.rate_limit.appointment_link", "3/60")
        self.authenticate(None, None)
        urls = [f"/my/waitlist/offers/{self.mine.id}?access_token=guess{i}" for i in range(3)]
        self.assertEqual([self.url_open(url).status_code for url in urls], [404, 404, 404])
        for url in (f"/my/waitlist/offers/{self.mine.id}?access_token=guess4",
                    f"/my/appointments/{self.mine.id}/ics?access_token=guess5"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 429)
            self.assertTrue(response.headers.get("Retry-After"))
            self.assertLeaksNothing(response)

    def test_expired_or_wrong_offer_token(self):
        entry = self.mine._portal_join_waitlist()
        offer = entry._make_offers()
        self.assertEqual(len(offer), 1)
        token = offer.sudo().access_token
        self.authenticate(None, None)
        for url in (f"/my/waitlist/offers/{offer.id}?access_token=wrong", f"/my/waitlist/offers/{offer.id}",
                    f"/my/waitlist/offers/{offer.id + 1000}?access_token={token}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertLeaksNothing(response, "Self Physio", "Self Pat")
        refused = self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": "wrong"})
        self.assertEqual(refused.status_code, 404)
        # Another client, logged in, without the token: the same.
        self.authenticate("t_self_blair", "t_self_blair_pw")
        for response in (self.url_open(f"/my/waitlist/offers/{offer.id}"),
                         self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": ""})):
            self.assertEqual(response.status_code, 404)
            self.assertLeaksNothing(response, "Self Physio", "Self Pat")
        self.assertEqual(offer.state, "open")
        self.authenticate(None, None)
        offer.expires_at = datetime(2026, 3, 2, 11, 0)
        count = self.env["clinic.appointment"].search_count([])
        for response in (self.url_open(f"/my/waitlist/offers/{offer.id}?access_token={token}"),
                         self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": token})):
            self.assertEqual(response.status_code, 404)
            self.assertIn("no longer available", response.text)
            self.assertLeaksNothing(response, "Self Physio", "Self Pat")
        self.assertEqual(self.env["clinic.appointment"].search_count([]), count, "nothing booked")
        self.assertFalse(offer.appointment_id)
        self.assertNotEqual(offer.state, "accepted")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSelfService(SelfServiceCase):

    def setUp(self):
        super().setUp()
        self.authenticate("t_self_alex", "t_self_alex_pw")

    def test_cancel_in_time(self):
        page = self.url_open(self.mine.access_url)
        self.assertIn("Free of charge until", page.text)
        self.assertNotIn("o_clinic_late_cancel", page.text)
        response = self.post(f"{self.mine.access_url}/cancel", {"note": "Moving house"})
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=cancelled", response.headers["Location"])
        self.assertEqual((self.mine.state, self.mine.late_cancel), ("cancelled", False))
        self.assertEqual(self.mine.cancel_reason_id, self.env.ref("clinic_scheduling.cancel_reason_client_request"))
        self.assertEqual(self.mine.cancel_note, "Moving house")

    def test_late_cancel_warns_then_flags(self):
        page = self.url_open(self.late.access_url)
        self.assertIn("o_clinic_late_cancel", page.text)
        self.assertIn("late cancellation", page.text)
        self.assertIn("40.00", page.text, "the fee is announced")
        ill = self.env.ref("clinic_scheduling.cancel_reason_client_ill")
        response = self.post(f"{self.late.access_url}/cancel", {"reason_id": ill.id})
        self.assertEqual(response.status_code, 303)
        self.assertEqual((self.late.state, self.late.late_cancel, self.late.cancel_reason_id), ("cancelled", True, ill))
        note = self.late.message_ids.filtered(lambda m: "Cancelled online" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertIn("late-cancel window", str(note.body))
        self.assertIn(self.pat_user.partner_id, note.partner_ids, "the provider is notified")
        self.assertTrue(note.subtype_id.internal, "a note for staff")
        # Cancelled: no second cancellation, no more buttons.
        again = self.post(f"{self.late.access_url}/cancel", {"note": "again"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("can no longer be changed online", again.text)

    def test_cancel_with_a_clinic_reason_is_refused_and_keeps_the_note(self):
        closed = self.env.ref("clinic_scheduling.cancel_reason_clinic_closed")
        response = self.post(f"{self.late.access_url}/cancel", {"reason_id": closed.id, "note": "Snow day"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("choose one of the reasons", response.text)
        self.assertIn("Snow day", response.text, "what the client typed is still there")
        self.assertEqual(self.late.state, "booked")

    def test_reschedule_to_a_free_slot(self):
        page = self.url_open(f"{self.mine.access_url}/reschedule?day=2026-03-05")
        value = f"2026-03-05 15:00:00|{self.pat.id}"
        self.assertIn(value, page.text)
        self.assertNotIn("Secret Massage", page.text)
        response = self.post(f"{self.mine.access_url}/reschedule", {"slot": value})
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=rescheduled", response.headers["Location"])
        self.assertEqual((self.mine.start, self.mine.stop, self.mine.provider_id),
                         (datetime(2026, 3, 5, 15, 0), datetime(2026, 3, 5, 15, 30), self.pat))
        note = self.mine.message_ids.filtered(lambda m: "Rescheduled online" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertIn("Wed 4 Mar 2026, 10:00", str(note.body))
        self.assertIn("Thu 5 Mar 2026, 10:00", str(note.body))
        self.assertIn(self.pat_user.partner_id, note.partner_ids)

    def test_reschedule_to_a_taken_slot_offers_alternatives(self):
        self.env["clinic.appointment"].create({
            "partner_id": self.blair.partner_id.id, "service_id": self.physio.id, "provider_id": self.pat.id,
            "location_id": self.location.id, "start": datetime(2026, 3, 5, 16, 0),
        })
        response = self.post(f"{self.mine.access_url}/reschedule", {"slot": f"2026-03-05 16:00:00|{self.pat.id}"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("This time was just taken", response.text)
        self.assertIn("o_clinic_alternatives", response.text)
        self.assertIn(f"2026-03-05 15:30:00|{self.pat.id}", response.text, "the nearest free time is proposed")
        self.assertNotIn("Blair", response.text)
        self.assertEqual(self.mine.start, datetime(2026, 3, 4, 15, 0), "not moved")
        # Not a slot at all (outside hours, off the grid) or nonsense: a clear message, nothing moved.
        for value in (f"2026-03-05 03:00:00|{self.pat.id}", f"2026-03-05 15:10:00|{self.pat.id}",
                      f"2026-13-45 25:00:00|{self.pat.id}", "tomorrow", ""):
            with self.subTest(value=value):
                response = self.post(f"{self.mine.access_url}/reschedule", {"slot": value})
                self.assertIn(response.status_code, (400, 409))
                self.assertIn("o_clinic_reschedule_error", response.text)
        self.assertEqual(self.mine.start, datetime(2026, 3, 4, 15, 0))

    def test_reschedule_inside_the_late_window_goes_through_the_clinic(self):
        # Moving a visit tomorrow to next week frees its time as late as a late cancellation, and
        # the moved visit could then be cancelled on time, without the fee: not online.
        page = self.url_open(self.late.access_url)
        self.assertNotIn("o_clinic_reschedule\"", page.text, "no Reschedule button")
        self.assertIn("o_clinic_reschedule_late", page.text)
        self.assertIn("o_clinic_cancel", page.text, "cancelling (late, with its fee) is still offered")
        slots = self.url_open(f"{self.late.access_url}/reschedule?day=2026-03-05")
        self.assertEqual(slots.status_code, 200)
        self.assertIn("o_clinic_reschedule_late", slots.text)
        self.assertNotIn(f"2026-03-05 15:00:00|{self.pat.id}", slots.text, "no free times offered")
        before = self.snapshot()
        response = self.post(f"{self.late.access_url}/reschedule", {"slot": f"2026-03-05 15:00:00|{self.pat.id}"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please call the clinic to move it", response.text)
        self.assertEqual(self.snapshot(), before, "not moved, nothing posted")
        # Outside the window the same client moves their other visit as usual.
        self.assertIn("o_clinic_reschedule\"", self.url_open(self.mine.access_url).text)

    def test_join_waitlist_then_accept_the_offer_from_its_email(self):
        response = self.post(f"{self.mine.access_url}/waitlist", {"join": "1"})
        self.assertEqual(response.status_code, 303)
        entry = self.env["clinic.waitlist"].search([("portal_appointment_id", "=", self.mine.id)])
        self.assertEqual((entry.partner_id, entry.service_id, entry.provider_ids, entry.state),
                         (self.alex.partner_id, self.physio, self.pat, "waiting"))
        self.assertEqual((str(entry.date_from), str(entry.date_to)), ("2026-03-02", "2026-03-03"))
        again = self.post(f"{self.mine.access_url}/waitlist", {"join": "1"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("already on the waitlist", again.text)

        offer = entry._make_offers()
        self.assertEqual(offer.start, datetime(2026, 3, 2, 14, 0), "the earliest free time")
        url = f"/my/waitlist/offers/{offer.id}?access_token={offer.sudo().access_token}"
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.alex.partner_id.ids)])
        self.assertTrue(mail, "the offer email is sent")
        self.assertIn(url, str(mail[0].body_html), "with the offer's accept link")

        self.authenticate(None, None)  # the link works from any browser (the email)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Accept this time", page.text)
        self.assertEqual(offer.state, "open", "opening the link accepts nothing")
        response = self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": offer.sudo().access_token})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_clinic_offer_accepted", response.text)
        booked = offer.appointment_id
        self.assertEqual((offer.state, entry.state), ("accepted", "booked"))
        self.assertEqual((booked.start, booked.provider_id, booked.partner_id, booked.source),
                         (datetime(2026, 3, 2, 14, 0), self.pat, self.alex.partner_id, "waitlist"))
        self.assertEqual((self.mine.state, self.mine.late_cancel), ("cancelled", False), "replaced")
        # A second acceptance changes nothing.
        count = self.env["clinic.appointment"].search_count([])
        self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": offer.sudo().access_token})
        self.assertEqual(self.env["clinic.appointment"].search_count([]), count)

    def test_the_offer_sms_carries_the_accept_link_and_staff_see_what_it_replaces(self):
        self.location.sms_enabled = True
        self.alex.partner_id.mobile = "+1 613 555 0142"
        entry = self.mine._portal_join_waitlist()
        offer = entry._make_offers()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.alex.partner_id.id)])
        self.assertEqual(len(sms), 1)
        url = f"/my/waitlist/offers/{offer.id}?access_token={offer.sudo().access_token}"
        self.assertIn(url, sms.body, "the client can take the time from the SMS too")
        self.assertIn("Take it online", sms.body)
        # The front desk sees, on the waitlist entry, which appointment the client wants to bring forward.
        frontdesk = new_test_user(self.env, "t_self_desk", groups="clinic_scheduling.group_clinic_frontdesk")
        Waitlist = self.env["clinic.waitlist"].with_user(frontdesk)
        for view_type in ("form", "list"):
            arch = Waitlist.get_views([(False, view_type)])["views"][view_type]["arch"]
            self.assertIn('name="portal_appointment_id"', arch, view_type)
        self.assertEqual(entry.with_user(frontdesk).portal_appointment_id, self.mine)

    def test_offer_taken_by_someone_else(self):
        entry = self.mine._portal_join_waitlist()
        offer = entry._make_offers()
        # Someone books the offered time at the front desk before the client clicks.
        self.env["clinic.appointment"].create({
            "partner_id": self.blair.partner_id.id, "service_id": self.physio.id, "provider_id": self.pat.id,
            "location_id": self.location.id, "start": offer.start,
        })
        response = self.post(f"/my/waitlist/offers/{offer.id}/accept", {"access_token": offer.sudo().access_token})
        self.assertEqual(response.status_code, 409)
        self.assertIn("o_clinic_offer_taken", response.text)
        self.assertEqual((offer.state, entry.state, self.mine.state), ("taken", "waiting", "booked"))

    def test_a_client_who_booked_online_fills_and_signs_with_the_private_link(self):
        """No login (booked online): the appointment's private link opens its forms, and only them."""
        self.mine._portal_ensure_token()
        token = self.mine.access_token
        self.authenticate(None, None)
        detail = self.url_open(f"{self.mine.access_url}?access_token={token}")
        self.assertIn(f'href="/my/forms/{self.form.id}?access_token={token}"', detail.text)
        page = self.url_open(f"/my/forms/{self.form.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Any allergies?", page.text)
        saved = self.post(f"/my/forms/{self.form.id}?access_token={token}",
                          {f"q_{self.allergies.id}": "Peanuts", f"q_{self.first_visit.id}": "yes"})
        self.assertEqual(saved.status_code, 303)
        self.assertIn(f"access_token={token}", saved.headers["Location"])
        self.assertEqual(self.form.state, "submitted")
        result = self.make_jsonrpc_request(f"/my/forms/{self.form.id}/sign", {
            "name": "Alex Selfserve", "signature": signature_png(), "access_token": token})
        self.assertEqual(result.get("redirect_url"), f"/my/forms/{self.form.id}?access_token={token}")
        self.form.invalidate_recordset()
        self.assertEqual((self.form.state, self.form.signed_name, self.form.signed_ip),
                         ("signed", "Alex Selfserve", "127.0.0.1"))
        # Another appointment's link opens no form of this one.
        self.theirs._portal_ensure_token()
        other = self.url_open(f"/my/forms/{self.form.id}?access_token={self.theirs.access_token}")
        self.assertEqual(other.status_code, 404)
        self.assertLeaksNothing(other, "Any allergies?", "Peanuts")

    def test_fill_and_sign_a_form(self):
        detail = self.url_open(self.mine.access_url)
        self.assertIn(f'href="/my/forms/{self.form.id}"', detail.text)
        self.assertIn(f'href="/my/forms/{self.form.id}"', self.url_open("/my/appointments").text, "listed to fill")
        page = self.url_open(f"/my/forms/{self.form.id}")
        self.assertIn("Any allergies?", page.text)
        self.assertIn(f'for="q_{self.allergies.id}"', page.text, "labelled fields")
        # The required answer is missing: a clear message, and what was typed is kept.
        missing = self.post(f"/my/forms/{self.form.id}", {f"q_{self.first_visit.id}": "yes"})
        self.assertEqual(missing.status_code, 400)
        self.assertIn("Please answer every required question", missing.text)
        self.assertRegex(missing.text, re.compile(rf'id="q_{self.first_visit.id}_yes"[^>]*checked'))
        self.assertEqual(self.form.state, "requested")
        saved = self.post(f"/my/forms/{self.form.id}", {f"q_{self.allergies.id}": "Peanuts",
                                                       f"q_{self.first_visit.id}": "yes"})
        self.assertEqual(saved.status_code, 303)
        self.assertEqual(self.form.state, "submitted")
        # Blair cannot sign Alex's form.
        self.authenticate("t_self_blair", "t_self_blair_pw")
        result = self.make_jsonrpc_request(f"/my/forms/{self.form.id}/sign",
                                           {"name": "Blair Otherclient", "signature": signature_png()})
        self.assertIn("error", result)
        self.assertEqual(self.form.state, "submitted")
        self.authenticate("t_self_alex", "t_self_alex_pw")
        bad = self.make_jsonrpc_request(f"/my/forms/{self.form.id}/sign", {"name": "Alex Selfserve", "signature": "x"})
        self.assertIn("not a valid image", bad["error"])
        result = self.make_jsonrpc_request(f"/my/forms/{self.form.id}/sign",
                                           {"name": "Alex Selfserve", "signature": signature_png()})
        self.assertEqual(result.get("redirect_url"), f"/my/forms/{self.form.id}")
        self.form.invalidate_recordset()
        self.assertEqual((self.form.state, self.form.signed_name, self.form.signed_ip, self.form.signed_user_id),
                         ("signed", "Alex Selfserve", "127.0.0.1", self.alex))
        self.assertTrue(self.form._verify_content_hash())
        with self.assertRaises(UserError):
            self.form.write({"signed_name": "Someone Else"})
        # Signed: read-only in the portal, a new submission is refused.
        self.assertIn("o_clinic_form_signed", self.url_open(f"/my/forms/{self.form.id}").text)
        refused = self.post(f"/my/forms/{self.form.id}", {f"q_{self.allergies.id}": "None"})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(self.form.answer_ids.filtered(lambda a: a.question_id == self.allergies).value, "Peanuts")

    def test_every_field_is_labelled(self):
        """Screen readers and keyboards: each field of the self-service forms has a label (or a
        legend for a group of radios), and every action is a real link or button."""
        pages = [self.mine.access_url, f"{self.mine.access_url}/reschedule?day=2026-03-05",
                 f"/my/forms/{self.form.id}"]
        for url in pages:
            with self.subTest(url=url):
                tree = lxml_html.fromstring(self.url_open(url).text)
                main = tree.xpath("//main")[0]
                fields = main.xpath(".//form[@method='post']//*[self::input or self::select or self::textarea]"
                                    "[not(@type='hidden')]")
                self.assertTrue(fields)
                for field in fields:
                    labelled = field.get("aria-label") or main.xpath(f".//label[@for='{field.get('id')}']")
                    self.assertTrue(field.get("id") and labelled, lxml_html.tostring(field))
                for button in main.xpath(".//form[@method='post']//button"):
                    self.assertEqual(button.get("type"), "submit")
                    self.assertTrue(button.text_content().strip())

    def test_balance_and_invoices(self):
        page = self.url_open("/my/appointments")
        self.assertIn("You owe the clinic nothing", page.text)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.alex.partner_id.id, "company_id": self.company.id,
            "invoice_date": "2026-02-20", "invoice_date_due": "2026-02-25",
            "invoice_line_ids": [Command.create({"name": "Visit", "quantity": 1, "price_unit": 55.0,
                                                 "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        page = self.url_open("/my/appointments")
        self.assertIn("Balance due", page.text)
        self.assertIn("55.00", page.text)
        self.assertIn("Overdue", page.text)
        self.assertIn('href="/my/invoices"', page.text)
        self.assertIn(invoice.name, self.url_open("/my/invoices").text)


@tagged("post_install", "-at_install")
class TestSelfServiceTour(PortalTourCase):
    """An existing client reschedules, fills a form (with a mistake first) and cancels (desktop and
    phone)."""
    tour_name = "clinic_portal_self_service"
    tour_login = "t_self_tour"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param("clinic_portal.rate_limit.appointment_link", "100000/60")
        company = env.ref("website.default_website").company_id
        tz = "America/Toronto"
        calendar = env["resource.calendar"].create({
            "name": "Tour every day 0-24", "tz": tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 24})
                               for d in range(7)],
        })
        location = env["clinic.location"].create({"name": "Tour Self Clinic", "tz": tz, "company_id": company.id})
        service = env["clinic.service"].create({
            "name": "Tour Self Physio", "duration": 30, "slot_interval": 30, "company_id": company.id,
            "late_cancel_hours": 24,
        })
        provider = env["clinic.provider"].create({
            "name": "Tour Self Provider", "resource_calendar_id": calendar.id, "tz": tz, "company_id": company.id,
            "service_ids": [Command.set(service.ids)], "location_ids": [Command.set(location.ids)],
        })
        cls.client = new_test_user(env, "t_self_tour", password="t_self_tour", groups="base.group_portal",
                                   name="Tour Selfclient")
        start = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        cls.appointment = env["clinic.appointment"].create({
            "partner_id": cls.client.partner_id.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": start,
        })
        template = env["clinic.form.template"].create({
            "name": "Tour Intake", "company_id": company.id,
            "question_ids": [Command.create({"label": "Any allergies?", "kind": "text", "required": True})],
        })
        template.action_publish()
        cls.form = env["clinic.form"].create({
            "template_id": template.id, "partner_id": cls.client.partner_id.id, "appointment_id": cls.appointment.id,
        })

    def tour_url(self):
        return self.appointment.access_url

    def before_tour(self):
        return self.appointment.start

    def check_tour(self, before):
        self.assertNotEqual(self.appointment.start, before, "moved")
        self.assertEqual(self.appointment.state, "cancelled")
        self.assertEqual((self.form.state, self.form.signed_name), ("signed", "Tour Selfclient"))
        self.assertEqual(
            self.form.answer_ids.value, "Pollen", "the answer typed after the error is the one signed"
        )
