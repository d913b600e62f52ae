"""Online booking on the website (/book): the flow, its rules, what it reveals and to whom."""
import re
from datetime import datetime, timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

from odoo import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.clinic_scheduling.tests.common import ExactQueryCountMixin
from odoo.addons.google_recaptcha.models import ir_http as recaptcha_ir_http

from .common import PHONE_SIZE, PhoneViewportMixin

BOOK = "/book"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Tuesday 2026-03-03 9:00 in Toronto, the first free time of the week frozen below.
FIRST = datetime(2026, 3, 3, 14, 0)
# Queries of the date and time step for an anonymous visitor (website page, session, rate limit,
# public choices, one engine call).
SLOT_STEP_QUERIES = 21
DETAILS = {"name": "Robin Newclient", "email": "robin.new@example.com", "phone": "+1 416 555 0123",
           "birthdate": "1990-02-03"}


class BookingCase(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        for scope in ("availability", "booking", "appointment_link"):
            env["ir.config_parameter"].set_param(f"clinic_portal.rate_limit.{scope}", "1000/60")
        cls.company = env.ref("website.default_website").company_id
        cls.tz = "America/Toronto"
        cls.location = env["clinic.location"].create({"name": "Tour Booking Clinic", "tz": cls.tz,
                                                      "company_id": cls.company.id})
        cls.service = env["clinic.service"].create({
            "name": "Tour Booking Physio", "duration": 30, "slot_interval": 30, "company_id": cls.company.id,
            "location_ids": [Command.set(cls.location.ids)],
        })
        cls.provider_user = new_test_user(env, "t_book_provider", groups="clinic_scheduling.group_clinic_provider",
                                          name="Tour Provider User", email="provider@example.com")
        cls.provider = env["clinic.provider"].create({
            "name": "Tour Provider", "user_id": cls.provider_user.id, "tz": cls.tz, "company_id": cls.company.id,
            "resource_calendar_id": cls._calendar().id, "service_ids": [Command.set(cls.service.ids)],
            "location_ids": [Command.set(cls.location.ids)],
        })
        cls.client_user = new_test_user(env, "t_book_client", password="t_book_client_pw", groups="base.group_portal",
                                        name="Casey Portalclient", email="casey@example.com")
        cls.other_user = new_test_user(env, "t_book_other", password="t_book_other_pw", groups="base.group_portal",
                                       name="Drew Otherclient", email="drew@example.com")

    @classmethod
    def _calendar(cls):
        return cls.env["resource.calendar"].create({
            "name": "Booking weekdays 9-17", "tz": cls.tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 9, "hour_to": 17})
                               for d in range(5)],
        })

    def step_url(self, provider="any", slot=None, service=None):
        url = f"{BOOK}?location={self.location.id}&service={(service or self.service).id}&provider={provider}"
        if slot:
            url += f"&slot={slot:%Y-%m-%dT%H:%M}_{self.provider.id}"
        return url

    def details_page(self, start=FIRST, service=None):
        page = self.url_open(self.step_url(slot=start, service=service))
        self.assertEqual(page.status_code, 200, page.text)
        return page

    def confirm(self, start=FIRST, service=None, page=None, **fields):
        """POST the confirmation the way the details form does (its CSRF token included)."""
        page = page or self.details_page(start, service)
        data = {"csrf_token": CSRF.search(page.text)[1], "location": self.location.id,
                "service": (service or self.service).id, "provider": "any",
                "slot": f"{start:%Y-%m-%dT%H:%M}_{self.provider.id}", **fields}
        return self.url_open(f"{BOOK}/confirm", data=data, allow_redirects=False)

    def booked(self, response):
        self.assertEqual(response.status_code, 303, response.text)
        location = urlparse(response.headers["Location"])
        appointment_id = int(location.path.rsplit("/", 1)[1])
        return self.env["clinic.appointment"].sudo().browse(appointment_id), parse_qs(location.query)["access_token"][0]

    def appointments_at(self, start):
        return self.env["clinic.appointment"].sudo().search([("provider_id", "=", self.provider.id),
                                                             ("start", "=", start)])

    def counts(self):
        return (self.env["clinic.appointment"].sudo().search_count([]), self.env["res.partner"].sudo().search_count([]),
                self.env["mail.message"].sudo().search_count([]))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 20:00:00")  # Monday 15:00 in Toronto: with 2 hours' notice, nothing more today
class TestOnlineBooking(ExactQueryCountMixin, BookingCase):

    def test_anonymous_new_client_books(self):
        # Each step links to the next with ids only.
        home = self.url_open(BOOK)
        self.assertIn(f'href="/book?location={self.location.id}"', home.text)
        services = self.url_open(f"{BOOK}?location={self.location.id}")
        self.assertIn(f"service={self.service.id}", services.text)
        providers = self.url_open(f"{BOOK}?location={self.location.id}&service={self.service.id}")
        self.assertIn("provider=any", providers.text)
        self.assertIn(f"provider={self.provider.id}", providers.text)
        days = self.url_open(self.step_url())
        self.assertIn("day=2026-03-03", days.text, "the next available dates")
        self.assertNotIn("day=2026-03-07", days.text, "Saturday: nobody works")
        self.assertIn(f"slot=2026-03-03T14%3A00_{self.provider.id}", days.text, "Tuesday 9:00 in Toronto")
        self.assertNotIn("slot=2026-03-02T", days.text, "Monday: the provider stops at 17:00, within the notice")
        self.assertIn("09:00", days.text)

        stranger = self.env["res.partner"].create({"name": "Robin Newclient", "email": "robin.new@example.com"})
        appointment, token = self.booked(self.confirm(**DETAILS))
        partner = appointment.partner_id
        self.assertNotEqual(partner, stranger, "never attached to a contact because the email matches")
        self.assertEqual((partner.name, partner.email, partner.phone, str(partner.birthdate)),
                         ("Robin Newclient", "robin.new@example.com", "+1 416 555 0123", "1990-02-03"))
        self.assertTrue(partner.clinic_client)
        self.assertEqual((appointment.source, appointment.state, appointment.start, appointment.provider_id),
                         ("portal", "booked", FIRST, self.provider))
        self.assertEqual(appointment.access_token, token)
        # Staff are told: a note in the chatter, notifying the provider.
        note = appointment.message_ids.filtered(lambda m: "Booked online" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, partner)
        self.assertTrue(note.subtype_id.internal)
        self.assertEqual(note.notification_ids.res_partner_id, self.provider_user.partner_id)
        # The client's confirmation (email and .ics) is queued by scheduling, once.
        confirmation = self.env["clinic.appointment.message"].search(
            [("appointment_id", "=", appointment.id), ("kind", "=", "confirmation")])
        self.assertEqual(len(confirmation), 1)
        self.assertTrue(confirmation._by_email())

        done = self.url_open(f"{BOOK}/done/{appointment.id}?access_token={token}")
        self.assertEqual(done.status_code, 200)
        self.assertIn("Tour Booking Physio", done.text)
        self.assertIn("Tuesday 3 March 2026, 09:00", done.text)
        self.assertIn("A confirmation email", done.text)
        self.assertNotIn("robin.new@example.com", done.text, "nothing personal on the page")
        self.assertNotIn("555 0123", done.text)
        ics = self.url_open(f"{BOOK}/done/{appointment.id}/calendar.ics?access_token={token}")
        self.assertEqual(ics.status_code, 200)
        self.assertTrue(ics.headers["Content-Type"].startswith("text/calendar"))
        self.assertIn("DTSTART:20260303T140000Z", ics.text)
        self.assertIn("Tour Booking Physio", ics.text)

    def test_signed_in_client_books_for_themself(self):
        self.authenticate("t_book_client", "t_book_client_pw")
        page = self.details_page()
        self.assertIn("You are booking for yourself", page.text)
        self.assertNotIn('name="email"', page.text, "no details asked of a signed-in client")
        # Details slipped into the form change nothing: the booking is for the signed-in client.
        appointment, _token = self.booked(self.confirm(page=page, name="Someone Else", email="else@example.com"))
        self.assertEqual(appointment.partner_id, self.client_user.partner_id)
        self.assertEqual(appointment.source, "portal")
        self.assertFalse(self.env["res.partner"].search([("email", "=", "else@example.com")]))
        # Their own confirmation page opens without the link's token too.
        self.assertEqual(self.url_open(f"{BOOK}/done/{appointment.id}").status_code, 200)

    def test_a_time_taken_meanwhile_offers_the_next_ones(self):
        page = self.details_page()
        # Someone else books that time from the front desk between the two pages.
        slot = self.service._booking_slot(self.location, self.provider, FIRST)
        self.env["clinic.appointment"]._book_slot(self.service, slot, self.other_user.partner_id)
        before = self.counts()
        response = self.confirm(page=page, **DETAILS)
        self.assertEqual(response.status_code, 200)
        self.assertIn("this time was just taken", response.text)
        self.assertEqual(self.counts(), before, "nothing booked, no client record made")
        self.assertEqual(len(self.appointments_at(FIRST)), 1)
        # The next free times are offered, and what was typed is kept.
        self.assertIn(f'value="2026-03-03T14:30_{self.provider.id}"', response.text)
        self.assertIn('value="Robin Newclient"', response.text)
        self.assertIn('value="robin.new@example.com"', response.text)
        self.assertNotIn(self.other_user.name, response.text, "who took it is not said")
        appointment, _token = self.booked(self.confirm(start=FIRST + timedelta(minutes=30), page=response, **DETAILS))
        self.assertEqual(appointment.start, FIRST + timedelta(minutes=30))
        # The details page of a time that is gone says so and shows the free times.
        gone = self.url_open(self.step_url(slot=FIRST))
        self.assertEqual(gone.status_code, 200)
        self.assertIn("This time is no longer free", gone.text)
        self.assertIn(f"slot=2026-03-03T15%3A00_{self.provider.id}", gone.text)

    def test_bad_details_are_explained_and_kept(self):
        before = self.counts()
        response = self.confirm(name="  ", email="not-an-email", phone="call me", birthdate="2999-01-01")
        self.assertEqual(response.status_code, 200)
        for message in ("Please give your full name", "does not look like an email address",
                        "A phone number with digits", "between 1900-01-01 and today"):
            self.assertIn(message, response.text)
        self.assertIn('value="not-an-email"', response.text)
        self.assertIn('aria-invalid="true"', response.text)
        self.assertIn("Please check the fields marked below", response.text)
        self.assertEqual(response.text.count('autofocus="autofocus"'), 1, "the first wrong field has the focus")
        self.assertRegex(response.text, r'<input[^>]*id="o_clinic_booking_name"[^>]*autofocus="autofocus"')
        # No time chosen, with alternatives that are no dates at all (month 13): asked to choose.
        page = self.details_page()
        response = self.url_open(f"{BOOK}/confirm", allow_redirects=False, data={
            "csrf_token": CSRF.search(page.text)[1], "location": self.location.id, "service": self.service.id,
            "provider": "any", "alternatives": f"2026-13-45T10:00_{self.provider.id}", **DETAILS,
        })
        self.assertEqual(response.status_code, 200)
        self.assertIn("Please choose a time", response.text)
        self.assertEqual(self.counts(), before)

    def test_every_input_is_labelled(self):
        page = self.details_page().text
        start = page.index('class="o_clinic_booking_form"')
        form = page[start:page.index("</form>", start)]
        inputs = re.findall(r"<input\b[^>]*>", form)
        visible = [tag for tag in inputs if 'type="hidden"' not in tag]
        self.assertEqual(len(visible), 4)
        for tag in visible:
            input_id = re.search(r'id="([^"]+)"', tag)[1]
            self.assertIn(f'for="{input_id}"', form, tag)
            self.assertIn('required="required"', tag)
            self.assertNotIn("tabindex=\"-1\"", tag)
        self.assertIn('<button type="submit"', form, "a real button: Enter and Space confirm")

    def test_get_steps_change_nothing(self):
        appointment, token = self.booked(self.confirm(**DETAILS))
        before = self.counts()
        done = f"{BOOK}/done/{appointment.id}"
        for url in (BOOK, f"{BOOK}?location={self.location.id}",
                    f"{BOOK}?location={self.location.id}&service={self.service.id}", self.step_url(),
                    self.step_url(provider=self.provider.id), self.step_url(slot=FIRST + timedelta(hours=1)),
                    f"{done}?access_token={token}", f"{done}/calendar.ics?access_token={token}"):
            self.assertEqual(self.url_open(url).status_code, 200, url)
        # The confirmation itself is refused as a GET, even with everything it needs.
        slot = f"{FIRST + timedelta(hours=2):%Y-%m-%dT%H:%M}_{self.provider.id}"
        query = "&".join(f"{k}={v}" for k, v in DETAILS.items())
        response = self.url_open(f"{BOOK}/confirm?location={self.location.id}&service={self.service.id}"
                                 f"&provider=any&slot={slot}&{query}")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.counts(), before)

    def test_confirm_without_csrf_is_refused(self):
        before = self.counts()
        data = {"location": self.location.id, "service": self.service.id, "provider": "any",
                "slot": f"{FIRST:%Y-%m-%dT%H:%M}_{self.provider.id}", **DETAILS}
        self.url_open(BOOK)  # a session
        for token in (None, "forged"):
            payload = dict(data, csrf_token=token) if token else data
            response = self.url_open(f"{BOOK}/confirm", data=payload, allow_redirects=False)
            self.assertEqual(response.status_code, 400)
        self.assertEqual(self.counts(), before)
        self.assertFalse(self.appointments_at(FIRST))

    def test_access_to_the_confirmation_and_calendar_file(self):
        self.authenticate("t_book_client", "t_book_client_pw")
        mine, token = self.booked(self.confirm())
        self.authenticate("t_book_other", "t_book_other_pw")
        _theirs, their_token = self.booked(self.confirm(start=FIRST + timedelta(hours=1)))

        def refused(who, url):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 404, f"{who}: {url}")
            for secret in ("Tour Booking Physio", mine.name, "DTSTART", "Casey"):
                self.assertNotIn(secret, response.text, f"{who}: {url}")

        cases = {
            "no token": "",
            "wrong token": "?access_token=not-the-token",
            "another appointment's token": f"?access_token={their_token}",
        }
        for suffix in ("", "/calendar.ics"):
            url = f"{BOOK}/done/{mine.id}{suffix}"
            self.authenticate(None, None)
            for name, query in cases.items():
                refused(f"anonymous, {name}", url + query)
            refused("anonymous, unknown appointment", f"{BOOK}/done/2147483647{suffix}?access_token={token}")
            self.authenticate("t_book_other", "t_book_other_pw")
            for name, query in cases.items():
                refused(f"another client, {name}", url + query)
            self.authenticate(None, None)
            self.assertEqual(self.url_open(f"{url}?access_token={token}").status_code, 200, "the booker's link")
        # A link whose token was replaced (the clinic sent a new one) opens nothing any more.
        mine.access_token = False
        new_token = mine._portal_ensure_token()
        self.assertNotEqual(new_token, token)
        for suffix in ("", "/calendar.ics"):
            refused("replaced token", f"{BOOK}/done/{mine.id}{suffix}?access_token={token}")
            self.assertEqual(self.url_open(f"{BOOK}/done/{mine.id}{suffix}?access_token={new_token}").status_code, 200)

    def test_rate_limits(self):
        Param = self.env["ir.config_parameter"]
        Param.set_param("clinic_portal.rate_limit.availability", "2/3600")
        statuses = [self.url_open(self.step_url()).status_code for _attempt in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(self.url_open(self.step_url(slot=FIRST)).status_code, 429, "the details step looks too")
        self.assertEqual(self.url_open(BOOK).status_code, 200, "choosing a location looks up no free time")
        Param.set_param("clinic_portal.rate_limit.availability", "1000/60")
        Param.set_param("clinic_portal.rate_limit.booking", "2/3600")
        page = self.details_page()
        responses = [self.confirm(page=page, **dict(DETAILS, phone="?")) for _attempt in range(2)]
        responses.append(self.confirm(page=page, **DETAILS))
        self.assertEqual([r.status_code for r in responses], [200, 200, 429])
        self.assertTrue(1 <= int(responses[2].headers["Retry-After"]) <= 3600)
        self.assertIn("Too many requests", responses[2].text)
        self.assertFalse(self.appointments_at(FIRST), "the third attempt, valid, was not booked")

    def test_what_is_not_bookable_online(self):
        staff_only = self.env["clinic.service"].create({
            "name": "Tour Staff Only", "duration": 30, "online_bookable": False, "company_id": self.company.id,
        })
        self.provider.service_ids |= staff_only
        self.assertNotIn("Tour Staff Only", self.url_open(f"{BOOK}?location={self.location.id}").text)
        self.assertEqual(self.url_open(self.step_url(service=staff_only)).status_code, 404)
        hidden = self.env["clinic.provider"].create({
            "name": "Tour Hidden", "online_bookable": False, "company_id": self.company.id,
            "resource_calendar_id": self.provider.resource_calendar_id.id, "tz": self.tz,
            "service_ids": [Command.set(self.service.ids)], "location_ids": [Command.set(self.location.ids)],
        })
        self.assertEqual(self.url_open(self.step_url(provider=hidden.id)).status_code, 404)
        for bad in ("location=abc", "location=1&service=-3", "location=99999999999", f"location={self.location.id}"
                    f"&service={self.service.id}&provider=any&slot=2026-03-03T14:00_0",
                    f"location={self.location.id}&service={self.service.id}&provider=any&day=0001-01-01"):
            self.assertEqual(self.url_open(f"{BOOK}?{bad}").status_code, 404, bad)
        before = self.counts()
        page = self.details_page()
        data = {"csrf_token": CSRF.search(page.text)[1], "location": self.location.id, "service": staff_only.id,
                "provider": "any", "slot": f"{FIRST:%Y-%m-%dT%H:%M}_{self.provider.id}", **DETAILS}
        self.assertEqual(self.url_open(f"{BOOK}/confirm", data=data).status_code, 404)
        data.update(service=self.service.id, slot=f"{FIRST:%Y-%m-%dT%H:%M}_{hidden.id}")
        self.assertEqual(self.url_open(f"{BOOK}/confirm", data=data).status_code, 404)
        self.assertEqual(self.counts(), before)
        # Beyond the booking horizon, nothing is offered.
        self.service.horizon_days = 1
        days = self.url_open(self.step_url()).text
        self.assertIn("slot=2026-03-03T", days)
        self.assertNotIn("slot=2026-03-04T", days)
        self.assertNotIn("day=2026-03-04", days)
        # A time outside the online rules (now under the minimum notice) is not booked.
        self.service.min_notice_hours = 24
        response = self.confirm(page=page, **DETAILS)
        self.assertEqual(response.status_code, 200)
        self.assertIn("just taken", response.text)
        self.assertEqual(self.counts(), before)

    def test_returning_clients_only(self):
        self.service.new_clients_allowed = False
        page = self.details_page()
        self.assertIn("is for returning clients", page.text, "said before anything is typed")
        before = self.counts()
        response = self.confirm(page=page, **DETAILS)
        self.assertEqual(response.status_code, 200)
        self.assertIn("is for returning clients", response.text)
        self.assertIn('value="Robin Newclient"', response.text)
        self.assertEqual(self.counts(), before, "no client record left behind")
        # A signed-in client who came before books it.
        self.env["clinic.appointment"].create({
            "partner_id": self.client_user.partner_id.id, "service_id": self.service.id,
            "provider_id": self.provider.id, "location_id": self.location.id, "start": datetime(2026, 2, 3, 14, 0),
        }).sudo().write({"state": "done"})
        self.authenticate("t_book_client", "t_book_client_pw")
        appointment, _token = self.booked(self.confirm())
        self.assertEqual(appointment.partner_id, self.client_user.partner_id)

    def test_max_upcoming_per_client(self):
        self.service.max_upcoming_per_client = 1
        self.authenticate("t_book_client", "t_book_client_pw")
        self.booked(self.confirm())
        response = self.confirm(start=FIRST + timedelta(days=1))
        self.assertEqual(response.status_code, 200)
        self.assertIn("You already have 1 upcoming Tour Booking Physio appointments", response.text)
        self.assertFalse(self.appointments_at(FIRST + timedelta(days=1)))
        # Another client is not concerned.
        self.authenticate("t_book_other", "t_book_other_pw")
        self.booked(self.confirm(start=FIRST + timedelta(days=1)))

    def test_billing_balance_block(self):
        self.company.write({"clinic_balance_policy": "block", "clinic_balance_limit": 100.0})
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.client_user.partner_id.id, "invoice_date": "2026-02-20",
            "company_id": self.company.id,
            "invoice_line_ids": [Command.create({"name": "Visit", "quantity": 1, "price_unit": 250.0,
                                                 "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        self.authenticate("t_book_client", "t_book_client_pw")
        response = self.confirm()
        self.assertEqual(response.status_code, 200)
        self.assertIn("more than the clinic&#39;s limit", response.text)
        self.assertFalse(self.appointments_at(FIRST))
        # A new client owes nothing: the same time books.
        self.authenticate(None, None)
        self.booked(self.confirm(**DETAILS))

    def test_matching_never_reveals_nor_merges(self):
        """The answers are the same whether or not the details are a known client's, and a
        visitor is only ever matched to a record their own session made."""
        known = self.client_user.partner_id
        self.env["clinic.appointment"].create({
            "partner_id": known.id, "service_id": self.service.id, "provider_id": self.provider.id,
            "location_id": self.location.id, "start": FIRST + timedelta(days=7),
        })

        def answer(email):
            response = self.confirm(name="Casey Portalclient", email=email, phone="not a phone", birthdate="1980-01-01")
            return re.sub(r'value="[^"]*"', "", response.text), response.status_code

        self.assertEqual(answer("casey@example.com"), answer("nobody-known@example.com"))
        first, _token = self.booked(self.confirm(name="Casey Portalclient", email="casey@example.com",
                                                 phone="+1 416 555 0100", birthdate="1980-01-01"))
        self.assertNotEqual(first.partner_id, known)
        self.env.invalidate_all()
        self.assertEqual(known.clinic_appointment_ids.start, FIRST + timedelta(days=7), "the client's visits unchanged")
        # The same visitor booking again with the same details is the same new client...
        again, _token = self.booked(self.confirm(start=FIRST + timedelta(hours=1), name="Casey Portalclient",
                                                 email="CASEY@example.com", phone="+1 416 555 0100",
                                                 birthdate="1980-01-01"))
        self.assertEqual(again.partner_id, first.partner_id)
        # ...another person in the same browser is another client, and so is the same person elsewhere.
        other, _token = self.booked(self.confirm(start=FIRST + timedelta(hours=2), name="Kim Sibling",
                                                 email="casey@example.com", phone="+1 416 555 0100",
                                                 birthdate="2010-01-01"))
        self.assertNotEqual(other.partner_id, first.partner_id)
        self.authenticate(None, None)
        elsewhere, _token = self.booked(self.confirm(start=FIRST + timedelta(hours=3), name="Casey Portalclient",
                                                     email="casey@example.com", phone="+1 416 555 0100",
                                                     birthdate="1980-01-01"))
        self.assertNotIn(elsewhere.partner_id, first.partner_id | known)

    def test_captcha_when_the_clinic_set_one_up(self):
        """With Odoo's reCAPTCHA configured, the confirmation is verified with Google (its answer
        simulated here: no network in tests); a failed check is a message and books nothing."""
        self.env["ir.config_parameter"].set_param("recaptcha_private_key", "clinic-secret")
        self.env["ir.config_parameter"].set_param("recaptcha_min_score", "0.5")
        asked = []

        class Answer:
            def __init__(self, data):
                human = data["response"] == "human-token"
                self.data = {"success": True, "score": 0.9, "action": "clinic_booking"} if human else {
                    "success": False, "error-codes": ["invalid-input-response"]}

            def json(self):
                return self.data

        def siteverify(url, data, timeout):
            asked.append(data["response"])
            return Answer(data)

        page = self.details_page()
        before = self.counts()
        with patch.object(recaptcha_ir_http.requests, "post", siteverify):
            refused = self.confirm(page=page, recaptcha_token_response="robot-token", **DETAILS)
            self.assertEqual(refused.status_code, 200)
            self.assertIn("The reCaptcha token is invalid", refused.text)
            self.assertIn('value="robin.new@example.com"', refused.text)
            self.assertEqual(self.counts(), before)
            appointment, _token = self.booked(self.confirm(page=page, recaptcha_token_response="human-token",
                                                           **DETAILS))
        self.assertEqual(asked, ["robot-token", "human-token"])
        self.assertEqual(appointment.start, FIRST)

    def test_forms_waiting_are_mentioned(self):
        consent = self.env["clinic.form.template"].create({
            "name": "Tour consent", "kind": "consent", "company_id": self.company.id,
            "service_ids": [Command.set(self.service.ids)], "consent_text": "<p>I consent.</p>",
            "question_ids": [Command.create({"label": "Pregnant", "kind": "yes_no"})],
        })
        consent.action_publish()
        # The consent is agreed on the details step (test_booking_consent.py), the form signed afterwards.
        appointment, token = self.booked(self.confirm(consent_ids=consent.id, **DETAILS))
        self.assertEqual(appointment.form_ids.template_id, consent, "requested by the booking (charting)")
        done = self.url_open(f"{BOOK}/done/{appointment.id}?access_token={token}").text
        self.assertIn("One form is waiting for you", done)
        self.assertIn(f'href="/my/appointments/{appointment.id}?access_token={token}"', done)
        other, other_token = self.booked(self.confirm(start=FIRST + timedelta(hours=1), service=self.other_service(),
                                                      **dict(DETAILS, email="other@example.com")))
        done = self.url_open(f"{BOOK}/done/{other.id}?access_token={other_token}").text
        self.assertNotIn("waiting for you", done, "a service without forms")

    def other_service(self):
        service = self.env["clinic.service"].create({
            "name": "Tour Booking Massage", "duration": 30, "slot_interval": 30, "company_id": self.company.id,
        })
        self.provider.service_ids |= service
        return service

    def test_free_times_cost_the_same_whatever_the_providers(self):
        """The date and time step: one engine call and a fixed number of queries, not one per
        provider, day or slot (first available over four weeks)."""
        for _warm_up in range(3):
            self.url_open(self.step_url())
        with self.assertQueryCountExactly(SLOT_STEP_QUERIES):
            page = self.url_open(self.step_url())
        self.assertEqual(page.text.count("o_clinic_booking_slot\""), 16, "Tuesday 9:00-17:00, every 30 minutes")
        self.env["clinic.provider"].create([{
            "name": f"Tour Colleague {n}", "tz": self.tz, "company_id": self.company.id,
            "resource_calendar_id": self.provider.resource_calendar_id.id,
            "service_ids": [Command.set(self.service.ids)], "location_ids": [Command.set(self.location.ids)],
        } for n in range(3)])
        self.url_open(self.step_url())
        with self.assertQueryCountExactly(SLOT_STEP_QUERIES):
            self.url_open(self.step_url())

    def test_menu_and_portal_home_lead_to_booking(self):
        menu_entry = re.compile(r'<a role="menuitem" href="/book"[^>]*>\s*<span>Book online</span>')
        self.assertRegex(self.url_open("/").text, menu_entry)
        self.authenticate("t_book_client", "t_book_client_pw")
        home = self.url_open("/my").text
        self.assertIn('href="/book" title="Book an appointment"', home, "the portal home's card")


@tagged("post_install", "-at_install")
class TestOnlineBookingTour(BookingCase):
    """Real time (the browser's clock cannot be frozen): the provider works every day, all day."""

    @classmethod
    def _calendar(cls):
        return cls.env["resource.calendar"].create({
            "name": "Booking every day", "tz": cls.tz,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 24})
                               for d in range(7)],
        })

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The service asks for a consent, agreed on the details step (test_booking_consent.py).
        cls.consent = cls.env["clinic.form.template"].create({
            "name": "Tour needling consent", "kind": "consent", "company_id": cls.company.id,
            "consent_text": "<p>Needles may leave a small bruise.</p>", "service_ids": [Command.set(cls.service.ids)],
        })
        cls.consent.action_publish()

    def assertBookedBy(self, email):
        appointment = self.env["clinic.appointment"].sudo().search([("partner_id.email", "=", email)])
        self.assertEqual(len(appointment), 1)
        self.assertEqual((appointment.source, appointment.service_id), ("portal", self.service))
        form = appointment.form_ids
        self.assertEqual((form.template_id, form.state), (self.consent, "requested"), "signed afterwards")
        self.assertTrue(form.message_ids.filtered(lambda m: "agreed to version 1" in (m.body or "")))

    def test_tour_new_client_books(self):
        self.start_tour("/", "clinic_booking_new_client")
        self.assertBookedBy("robin.tour@example.com")


@tagged("post_install", "-at_install")
class TestOnlineBookingPhoneTour(PhoneViewportMixin, TestOnlineBookingTour):
    browser_size = PHONE_SIZE
    touch_enabled = True

    def test_tour_new_client_books(self):
        self.start_tour("/book", "clinic_booking_new_client_phone")
        self.assertBookedBy("sasha.phone@example.com")
