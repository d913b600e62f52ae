"""Online booking (/book) of a service that asks for consent: read and agreed on the details step,
before anything is booked (issue #12, point 3; readme/BOOKING.md)."""
import re
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.clinic_charting.tests.test_forms import SIGNATURE
from odoo.addons.clinic_scheduling.tests.common import ExactQueryCountMixin

from ..exceptions import ConsentRequired
from .test_booking import BOOK, CSRF, DETAILS, FIRST, BookingCase

# Queries of a confirmation POST by a visitor who is not signed in (warm caches), as before consent
# was asked: a service without consent costs no query more (its stored flag is read with it).
CONFIRM_QUERIES = 78
# A service with a consent and an intake form: 84 before consent was asked (the forms the booking
# requests), 3 more now: its consent forms, the forms to note the agreement on, the note.
CONFIRM_CONSENT_QUERIES = 87


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 20:00:00")  # Monday 15:00 in Toronto
class TestBookingConsent(ExactQueryCountMixin, BookingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent = cls.publish("Tour needling consent", "consent", "<p>Needles may leave a small bruise.</p>")
        cls.intake = cls.publish("Tour intake", "intake", "<p>My answers are true.</p>")

    @classmethod
    def publish(cls, name, kind, text, services=None, validity=0):
        template = cls.env["clinic.form.template"].create({
            "name": name, "kind": kind, "company_id": cls.company.id, "consent_text": text,
            "validity_months": validity, "service_ids": [Command.set((services or cls.service).ids)],
        })
        template.action_publish()
        return template

    def confirm_with(self, consent_ids, page=None, start=FIRST, service=None, **fields):
        """The details form sent with these consent boxes ticked (a list: the form repeats the name)."""
        page = page or self.details_page(start, service)
        data = [("csrf_token", CSRF.search(page.text)[1]), ("location", self.location.id),
                ("service", (service or self.service).id), ("provider", "any"),
                ("slot", f"{start:%Y-%m-%dT%H:%M}_{self.provider.id}"), *fields.items(),
                *(("consent_ids", template_id) for template_id in consent_ids)]
        return self.url_open(f"{BOOK}/confirm", data=data, allow_redirects=False)

    def consent_boxes(self, html):
        return re.findall(r'<input type="checkbox" name="consent_ids"[^>]*>', html)

    def sign(self, template, partner):
        form = self.env["clinic.form"].create({"template_id": template.id, "partner_id": partner.id})
        form._submit(signed_name=partner.name, signature=SIGNATURE)
        return form

    # ------------------------------------------------------------------
    def test_consent_is_shown_only_for_a_service_that_asks_for_it(self):
        self.assertTrue(self.service.online_consent_asked)
        page = self.details_page().text
        boxes = self.consent_boxes(page)
        self.assertEqual(len(boxes), 1, "the consent only, not the intake form")
        self.assertIn(f'value="{self.consent.id}"', boxes[0])
        self.assertIn('required="required"', boxes[0])
        box_id = re.search(r'id="([^"]+)"', boxes[0])[1]
        self.assertRegex(page, rf'<label class="form-check-label" for="{box_id}">\s*I have read and agree to '
                               r'Tour needling consent')
        self.assertIn("<p>Needles may leave a small bruise.</p>", page, "the consent's text, as HTML")
        self.assertNotIn("My answers are true", page)
        self.assertIn("you will sign the forms after booking", page)
        # A service without consent: no box, and its flag says so without reading forms.
        plain = self.env["clinic.service"].create({
            "name": "Tour Booking Massage", "duration": 30, "slot_interval": 30, "company_id": self.company.id,
        })
        self.provider.service_ids |= plain
        self.intake.service_ids |= plain
        self.assertFalse(plain.online_consent_asked, "an intake form is not a consent")
        self.assertFalse(self.consent_boxes(self.details_page(service=plain).text))
        # The flag follows the forms: a consent retired is no longer asked.
        self.consent.action_retire()
        self.assertFalse(self.service.online_consent_asked)
        self.assertFalse(self.consent_boxes(self.details_page().text))

    def test_the_consent_text_in_the_visitors_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        website = self.env.ref("website.default_website")
        website.language_ids |= self.env.ref("base.lang_fr")
        draft = self.env["clinic.form.template"].create({
            "name": "Tour photo consent", "kind": "consent", "company_id": self.company.id,
            "consent_text": "<p>Photos of my posture may be taken.</p>",
            "service_ids": [Command.set(self.service.ids)],
        })
        draft.update_field_translations("name", {"fr_FR": "Consentement aux photos"})
        draft.update_field_translations("consent_text", {
            "fr_FR": {"Photos of my posture may be taken.": "Des photos de ma posture peuvent être prises."},
        })
        draft.action_publish()
        self.assertIn("Photos of my posture", self.details_page().text, "in English for an English visitor")
        page = self.url_open(f"/fr{self.step_url(slot=FIRST)}").text
        self.assertIn("Consentement aux photos", page)
        self.assertIn("Des photos de ma posture peuvent être prises.", page)
        self.assertNotIn("Photos of my posture", page)

    def test_refused_without_agreement_nothing_created(self):
        page = self.details_page()
        before = self.counts()
        response = self.confirm_with([], page=page, **DETAILS)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Please read Tour needling consent and tick the box to agree before booking.", response.text)
        self.assertEqual(self.counts(), before, "nothing booked, no client record, no message")
        self.assertFalse(self.appointments_at(FIRST))
        box = self.consent_boxes(response.text)[0]
        self.assertIn('aria-invalid="true"', box)
        self.assertIn('autofocus="autofocus"', box, "the box to tick has the focus")
        self.assertIn(f'aria-describedby="o_clinic_booking_consent_{self.consent.id}_text '
                      f'o_clinic_booking_consent_{self.consent.id}_error"', box)
        self.assertIn('value="Robin Newclient"', response.text, "what was typed is kept")
        # Details wrong too: both are said at once, and a box ticked stays ticked.
        response = self.confirm_with([], page=page, **dict(DETAILS, phone="call me"))
        self.assertIn("A phone number with digits", response.text)
        self.assertIn("tick the box to agree", response.text)
        response = self.confirm_with([self.consent.id], page=page, **dict(DETAILS, phone="call me"))
        self.assertNotIn("tick the box to agree", response.text)
        self.assertIn('checked="checked"', self.consent_boxes(response.text)[0])
        self.assertEqual(self.counts(), before)
        # A signed-in client is held to it as well.
        self.authenticate("t_book_client", "t_book_client_pw")
        response = self.confirm_with([])
        self.assertIn("tick the box to agree", response.text)
        self.assertFalse(self.appointments_at(FIRST))

    def test_agreed_books_and_records_the_agreement(self):
        appointment, token = self.booked(self.confirm_with([self.consent.id], **DETAILS))
        self.assertEqual(appointment.start, FIRST)
        forms = appointment.form_ids
        self.assertEqual(forms.template_id, self.consent | self.intake, "requested by the booking as before")
        consent_form = forms.filtered(lambda f: f.template_id == self.consent)
        self.assertEqual(consent_form.state, "requested", "agreeing is not signing")
        evidence = consent_form.message_ids.filtered(lambda m: "agreed to version 1" in (m.body or ""))
        self.assertEqual(len(evidence), 1)
        self.assertIn("2026-03-02 20:00:00 UTC from 127.0.0.1", evidence.body)
        self.assertIn(appointment.name, evidence.body)
        self.assertEqual(evidence.author_id, appointment.partner_id)
        self.assertTrue(evidence.subtype_id.internal)
        intake_form = forms - consent_form
        self.assertFalse(intake_form.message_ids.filtered(lambda m: "agreed" in (m.body or "")))
        note = appointment.message_ids.filtered(lambda m: "Booked online" in (m.body or ""))
        self.assertEqual(len(note), 1, "one note, with one line for the consent")
        self.assertIn("Consent agreed online before booking: Tour needling consent (version 1), on "
                      "2026-03-02 20:00:00 UTC from 127.0.0.1.", note.body)
        done = self.url_open(f"{BOOK}/done/{appointment.id}?access_token={token}").text
        self.assertIn("2 forms are waiting for you", done)
        self.assertIn("each consent form is signed with your typed name and drawn signature", done)

    def test_a_client_with_a_valid_signed_consent_is_not_asked(self):
        client = self.client_user.partner_id
        self.sign(self.consent, client)
        self.authenticate("t_book_client", "t_book_client_pw")
        page = self.details_page()
        self.assertFalse(self.consent_boxes(page.text))
        appointment, _token = self.booked(self.confirm_with([], page=page))
        self.assertEqual(appointment.form_ids.template_id, self.intake, "the signed consent is not asked again")
        note = appointment.message_ids.filtered(lambda m: "Booked online" in (m.body or ""))
        self.assertNotIn("Consent agreed", note.body)
        # Another client, or the same one whose signature expired by the visit, is asked.
        other = self.other_user.partner_id
        self.assertEqual(self.service._clinic_online_consents(other, self.location, FIRST), self.consent)
        yearly = self.publish("Tour yearly consent", "consent", "<p>Yearly.</p>", validity=1)
        self.sign(yearly, client)  # signed today: valid until 2026-04-02
        self.assertEqual(self.service._clinic_online_consents(client, self.location, FIRST), self.env[
            "clinic.form.template"], "valid on the visit's day")
        self.assertEqual(self.service._clinic_online_consents(client, self.location, datetime(2026, 4, 7, 14)),
                         yearly, "expired by the visit's day")
        # A visitor who is not signed in is asked whatever they signed (nobody is looked up).
        self.assertEqual(self.service._clinic_online_consents(None, self.location, FIRST), self.consent | yearly)

    def test_a_new_version_published_meanwhile_is_read_again(self):
        page = self.details_page()
        self.assertIn(f'value="{self.consent.id}"', self.consent_boxes(page.text)[0])
        draft = self.env["clinic.form.template"].browse(self.consent.action_new_version()["res_id"])
        draft.consent_text = "<p>Needles may leave a small bruise. New: also tape.</p>"
        draft.action_publish()
        before = self.counts()
        response = self.confirm_with([self.consent.id], page=page, **DETAILS)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tour needling consent was updated since you opened this page: please read it again",
                      response.text)
        self.assertEqual(self.counts(), before)
        box = self.consent_boxes(response.text)[0]
        self.assertIn(f'value="{draft.id}"', box, "the new version to agree to")
        self.assertNotIn("checked", box)
        self.assertIn("New: also tape.", response.text)
        appointment, _token = self.booked(self.confirm_with([draft.id], page=response, **DETAILS))
        consent_form = appointment.form_ids.filtered(lambda f: f.kind == "consent")
        self.assertEqual(consent_form.template_id, draft)
        self.assertTrue(consent_form.message_ids.filtered(lambda m: "agreed to version 2" in (m.body or "")))

    def test_forged_agreements_do_not_count(self):
        other_service = self.env["clinic.service"].create({
            "name": "Tour Booking Massage", "duration": 30, "slot_interval": 30, "company_id": self.company.id,
        })
        elsewhere = self.publish("Tour other consent", "consent", "<p>Other.</p>", services=other_service)
        unpublished = self.env["clinic.form.template"].create({
            "name": "Tour draft consent", "kind": "consent", "consent_text": "<p>Draft.</p>",
            "company_id": self.company.id,
        })
        page = self.details_page()
        before = self.counts()
        for forged in ([elsewhere.id], [self.intake.id], [unpublished.id], [2**31 - 1], ["abc", "-1"]):
            response = self.confirm_with(forged, page=page, **DETAILS)
            self.assertEqual(response.status_code, 200, forged)
            self.assertIn("Please read Tour needling consent and tick the box", response.text, forged)
        self.assertEqual(self.counts(), before)
        # Every model caller is held to it, not only this page.
        Appointment = self.env["clinic.appointment"].with_user(self.env.ref("base.public_user"))
        values, errors = self.env["res.partner"]._clinic_online_client_values(DETAILS)
        self.assertFalse(errors)
        with self.assertRaises(ConsentRequired) as refused:
            Appointment._clinic_book_online(self.company, self.location.id, self.service.id, None, FIRST,
                                            self.provider.id, client_values=values,
                                            consent_template_ids=[elsewhere.id, self.intake.id])
        self.assertEqual(set(refused.exception.errors), {self.consent.id})
        self.assertEqual(self.counts(), before)
        appointment = Appointment._clinic_book_online(self.company, self.location.id, self.service.id, None, FIRST,
                                                      self.provider.id, client_values=values,
                                                      consent_template_ids=[self.consent.id])
        self.assertEqual(appointment.start, FIRST)

    def test_confirmation_queries(self):
        """The confirmation POST: a service without consent costs what it cost before; one with a
        consent form a few more queries (pinned)."""
        plain = self.env["clinic.service"].create({
            "name": "Tour Booking Massage", "duration": 30, "slot_interval": 30, "company_id": self.company.id,
            "location_ids": [Command.set(self.location.ids)],
        })
        self.provider.service_ids |= plain
        starts = [FIRST + timedelta(hours=h) for h in range(6)]
        for index, (service, consent_ids, count) in enumerate([
            (plain, [], CONFIRM_QUERIES), (self.service, [self.consent.id], CONFIRM_CONSENT_QUERIES),
        ]):
            # Warm up (caches of a worker that booked before), then count a booking like it.
            for warm in range(2):
                start = starts[index * 3 + warm]
                self.booked(self.confirm_with(consent_ids, start=start, service=service,
                                              **dict(DETAILS, email=f"warm{index}{warm}@example.com")))
            start = starts[index * 3 + 2]
            page = self.details_page(start, service)
            with self.assertQueryCountExactly(count):
                response = self.confirm_with(consent_ids, page=page, start=start, service=service,
                                             **dict(DETAILS, email=f"counted{index}@example.com"))
            self.booked(response)
