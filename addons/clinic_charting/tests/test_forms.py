from datetime import date, datetime, timedelta

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, freeze_time, new_test_user, tagged, warmup
from odoo.tools import mute_logger

from odoo.addons.clinic_scheduling.tests.common import ClinicCase, MultiCompanyCase

from ..tools.digest import content_digest

# A 4x2 PNG: what the signature widget sends is a (larger) PNG like it, base64-encoded.
SIGNATURE = (b"iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAF0lEQVR4nGP8//8/AwwwMTAwMDIyQjgASB4DBKCScAwAAAAASUVO"
             b"RK5CYII=")


class FormsCase(ClinicCase):
    """ClinicCase's clinic, where booking physio asks for a new client intake (one question of each
    type, never expires) and a dry needling consent (valid 12 months)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["clinic.form.template"].with_user(cls.manager)
        cls.intake = Template.create({
            "name": "Intake (test)", "kind": "intake", "service_ids": [Command.set(cls.physio.ids)],
            "consent_text": "<p>The above is accurate.</p>",
            "question_ids": [
                Command.create({"sequence": 1, "label": "Date of birth", "kind": "date"}),
                Command.create({"sequence": 2, "label": "Occupation", "kind": "text"}),
                Command.create({"sequence": 3, "label": "Reason", "kind": "textarea", "required": False}),
                Command.create({"sequence": 4, "label": "Medication", "kind": "yes_no"}),
                Command.create({"sequence": 5, "label": "Pain (0-10)", "kind": "number"}),
                Command.create({"sequence": 6, "label": "Heard of us", "kind": "selection",
                                "options": "Doctor\nFriend\nOnline"}),
            ],
        })
        cls.consent = Template.create({
            "name": "Dry needling consent (test)", "kind": "consent", "validity_months": 12,
            "service_ids": [Command.set(cls.physio.ids)],
            "consent_text": "<p>I consent to dry needling.</p>",
            "question_ids": [Command.create({"label": "Pregnant", "kind": "yes_no"})],
        })
        (cls.intake | cls.consent).action_publish()
        cls.q = {q.label: q for q in cls.intake.question_ids | cls.consent.question_ids}

    def slot(self, start="2026-03-03 15:00", service=None, provider=None):
        start = datetime.strptime(start, "%Y-%m-%d %H:%M")
        slots = (service or self.physio)._get_available_slots(
            start, start + timedelta(seconds=1), provider_ids=(provider or self.alice).ids,
            location_id=self.location.id, online=False,
        )
        self.assertTrue(slots, "the engine offers it")
        return slots[0]

    def book_slot(self, start="2026-03-03 15:00", partner=None, service=None, user=None, **values):
        return self.env["clinic.appointment"].with_user(user or self.frontdesk)._book_slot(
            service or self.physio, self.slot(start, service=service), partner or self.client, "staff", **values
        )

    def forms_of(self, partner=None):
        return self.env["clinic.form"].search([("partner_id", "=", (partner or self.client).id)], order="id")

    def answers(self, template=None):
        if (template or self.intake) == self.consent:
            return {self.q["Pregnant"].id: "no"}
        return {
            self.q["Date of birth"].id: "1980-04-01", self.q["Occupation"].id: "Teacher",
            self.q["Medication"].id: True, self.q["Pain (0-10)"].id: 4, self.q["Heard of us"].id: "Friend",
        }

    def new_form(self, template, partner=None, user=None):
        return self.env["clinic.form"].with_user(user or self.frontdesk).create(
            {"template_id": template.id, "partner_id": (partner or self.client).id}
        )

    def signed_form(self, template=None, partner=None, user=None):
        template = template or self.intake
        form = self.new_form(template, partner, user)
        form._submit(self.answers(template), "Jane Client", SIGNATURE, ip="203.0.113.7")
        return form

    @staticmethod
    def codes(appointment):
        return {i["code"]: i for i in appointment._get_booking_insights()}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestFormRequests(FormsCase):

    def test_booking_requests_the_services_forms_once(self):
        appointment = self.book_slot()
        forms = self.forms_of()
        self.assertEqual(forms.template_id, self.intake | self.consent)
        self.assertEqual(set(forms.mapped("state")), {"requested"})
        self.assertEqual(forms.appointment_id, appointment)
        self.assertEqual(forms.company_id, appointment.company_id)
        self.assertEqual(appointment.form_ids, forms)
        intake = forms.filtered(lambda f: f.template_id == self.intake)
        self.assertEqual(intake.answer_ids.question_id, self.intake.question_ids, "a line per question to fill")
        # Still waiting for the client: the next visit does not ask again.
        second = self.book_slot("2026-03-05 15:00")
        self.assertEqual(self.forms_of(), forms)
        self.assertFalse(second.form_ids)
        self.assertEqual(second.clinic_form_ids, forms, "the visit shows the forms still to sign")
        self.assertEqual(second.clinic_forms_to_sign, 2)

    def test_a_service_without_forms_requests_none(self):
        self.env["clinic.appointment"].with_user(self.frontdesk)._book_slot(
            self.massage, self.slot(service=self.massage, provider=self.bob), self.client, "staff")
        self.assertFalse(self.forms_of())

    def test_a_valid_signature_is_not_asked_again_an_expired_one_is(self):
        with freeze_time("2025-02-01 15:00:00"):
            self.signed_form(self.intake)
            old_consent = self.signed_form(self.consent)
        self.assertEqual(old_consent.expires_on, date(2026, 2, 1))
        appointment = self.book_slot()
        new = self.forms_of() - self.forms_of().filtered(lambda f: f.state == "signed")
        self.assertEqual(new.template_id, self.consent, "the intake never expires; the consent expired in February")
        self.assertEqual(appointment.form_ids, new)

    def test_a_consent_expiring_before_the_visit_is_asked_again(self):
        with freeze_time("2025-03-04 15:00:00"):
            self.signed_form(self.intake)
            consent = self.signed_form(self.consent)
        self.assertEqual(consent.expires_on, date(2026, 3, 4))
        self.book_slot("2026-03-04 15:00")
        self.assertEqual(len(self.forms_of()), 2, "valid on the day of the visit: nothing to sign")
        self.book_slot("2026-03-05 15:00")
        self.assertEqual(self.forms_of().filtered(lambda f: f.state == "requested").template_id, self.consent,
                         "expired by the second visit")

    def test_a_cancelled_form_is_asked_again(self):
        appointment = self.book_slot()
        appointment.form_ids.with_user(self.frontdesk).action_cancel()
        self.book_slot("2026-03-05 15:00")
        self.assertEqual(len(self.forms_of().filtered(lambda f: f.state == "requested")), 2)

    def test_request_missing_forms_button(self):
        appointment = self.book_slot(service=self.massage)  # Bob's massage, no form then
        self.massage.form_template_ids = self.consent
        appointment.with_user(self.frontdesk).action_request_forms()
        self.assertEqual(appointment.form_ids.template_id, self.consent)
        with self.assertRaisesRegex(UserError, "every form"):
            appointment.with_user(self.frontdesk).action_request_forms()

    @warmup
    def test_requests_are_batched(self):
        """The forms of many visits are found with a fixed number of queries."""
        clients = self.env["res.partner"].create([{"name": f"Client {i}"} for i in range(5)])
        appointments = self.env["clinic.appointment"].browse([
            self.book(datetime(2026, 3, 3 + i, 15, 0), partner=client).id for i, client in enumerate(clients)
        ])
        # The appointments, the services' published forms, the services and their forms, the
        # clients' forms, the locations' time zones: as many for one visit as for five.
        for visits in (appointments[:1], appointments):
            with self.assertQueryCountExactly(6):
                status = visits._clinic_form_status()
            self.assertEqual([len(status[a.id]) for a in visits], [2] * len(visits))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestFillingAndSigning(FormsCase):

    def test_required_answers_and_their_types(self):
        form = self.new_form(self.intake)
        with self.assertRaisesRegex(UserError, "Date of birth, Occupation, Medication, Pain \\(0-10\\), Heard of us"):
            form._submit({})
        partial = dict(self.answers())
        del partial[self.q["Occupation"].id]
        with self.assertRaisesRegex(UserError, "required question.*: Occupation\\.$"):
            form._submit(partial, "Jane Client", SIGNATURE)
        for question, value, message in (
            ("Pain (0-10)", "a lot", "must be a number"),
            ("Heard of us", "Radio", "must be one of: Doctor, Friend, Online"),
            ("Date of birth", "01/04/1980", "must be a date"),
            ("Medication", "maybe", "yes or no"),
            ("Occupation", ["Teacher"], "must be text"),
        ):
            with self.subTest(question=question), self.assertRaisesRegex(UserError, message):
                form._save_answers({self.q[question].id: value})
        with self.assertRaisesRegex(UserError, "no question"):
            form._save_answers({self.q["Pregnant"].id: "no"})  # another form's question
        self.assertEqual(form.state, "requested", "nothing submitted")
        form._submit(self.answers())
        self.assertEqual(form.state, "submitted")
        self.assertEqual(form.answer_ids.filtered(lambda a: a.question_id == self.q["Pain (0-10)"]).value_number, 4)

    def test_staff_type_a_wrong_answer_in_the_backend(self):
        form = self.new_form(self.intake)
        answer = form.answer_ids.filtered(lambda a: a.question_id == self.q["Heard of us"])
        with self.assertRaisesRegex(ValidationError, "must be one of"):
            answer.with_user(self.frontdesk).value_text = "Radio"
            answer.flush_recordset()

    def test_signing_needs_a_name_and_a_drawn_signature(self):
        form = self.new_form(self.intake)
        form._save_answers(self.answers())
        for name, signature, message in (
            ("", SIGNATURE, "full name"), ("   ", SIGNATURE, "full name"), ("Jane", False, "Draw"),
            ("Jane", b"bm90IGFuIGltYWdl", "PNG or JPEG"), ("Jane", "%%%", "not a valid image"),
        ):
            with self.subTest(name=name, signature=signature), self.assertRaisesRegex(UserError, message):
                form._sign(name, signature)
        with self.assertRaisesRegex(UserError, "IP"):
            form._sign("Jane", SIGNATURE, ip="somewhere")
        self.assertEqual(form.state, "requested")

    def test_signing_records_name_signature_time_ip_and_digest(self):
        form = self.new_form(self.consent)
        with freeze_time("2026-03-02 14:30:00"):
            form.with_user(self.frontdesk)._submit(
                {self.q["Pregnant"].id: "no"}, "  Jane   Client ", SIGNATURE, ip="203.0.113.7")
        self.assertEqual(form.state, "signed")
        self.assertEqual(
            (form.signed_name, form.signed_at, form.signed_ip, form.signed_user_id, form.expires_on),
            ("Jane Client", datetime(2026, 3, 2, 14, 30), "203.0.113.7", self.frontdesk, date(2027, 3, 2)),
        )
        self.assertEqual(form.signature, SIGNATURE)
        payload = form._content_payload()
        self.assertEqual(form.content_hash, content_digest(payload))
        self.assertEqual(len(form.content_hash), 64)
        self.assertEqual(payload["answers"][0]["value"], "no")
        self.assertEqual(payload["template"]["consent_text"], "<p>I consent to dry needling.</p>")
        self.assertTrue(form._verify_content_hash())
        self.assertIn("Signed by Jane Client", form.message_ids[0].body)

    def test_the_front_desk_signs_on_the_tablet(self):
        """The backend way: answers typed in the form, the client types their name and draws on
        the signature widget, the front desk presses Sign."""
        form = self.new_form(self.intake)
        with Form(form.with_user(self.frontdesk)) as editor:
            for index, answer in enumerate(form.answer_ids):
                with editor.answer_ids.edit(index) as line:
                    if answer.kind == "date":
                        line.value_date = date(1980, 4, 1)
                    elif answer.kind == "yes_no":
                        line.value_yes_no = "no"
                    elif answer.kind == "number":
                        line.value_text = "7"
                    elif answer.kind == "selection":
                        line.value_text = "Online"
                    elif answer.kind == "text":
                        line.value_text = "Nurse"
            editor.signed_name = "Jane Client"
            editor.signature = SIGNATURE
        form.with_user(self.frontdesk).action_sign()
        self.assertEqual((form.state, form.signed_user_id, form.signed_ip), ("signed", self.frontdesk, False))
        self.assertTrue(form._verify_content_hash())
        self.assertFalse(form.expires_on, "the intake does not expire")

    def test_a_form_is_never_created_signed(self):
        Form_ = self.env["clinic.form"].with_user(self.frontdesk)
        base = {"template_id": self.intake.id, "partner_id": self.client.id}
        for values in ({"state": "signed"}, {"signed_at": datetime(2026, 1, 1)}, {"content_hash": "0" * 64}):
            with self.subTest(values=values), self.assertRaises(UserError):
                Form_.create(dict(base, **values))
        form = Form_.with_context(default_state="signed", default_signed_at="2026-01-01 00:00:00").create(base)
        self.assertEqual((form.state, form.signed_at), ("requested", False))
        with self.assertRaises(UserError):
            form.write({"state": "signed"})

    def test_only_a_published_version_is_requested(self):
        draft = self.env["clinic.form.template"].with_user(self.manager).create({"name": "Draft form"})
        with self.assertRaisesRegex(UserError, "not published"):
            self.new_form(draft)

    def test_cancel(self):
        form = self.new_form(self.intake)
        form.with_user(self.frontdesk).action_cancel()
        self.assertEqual(form.state, "cancelled")
        with self.assertRaises(UserError):
            form._submit(self.answers())
        signed = self.signed_form()
        with self.assertRaisesRegex(UserError, "not cancelled"):
            signed.with_user(self.frontdesk).action_cancel()
        self.assertEqual(signed.state, "signed")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestSignedFormIsLocked(FormsCase):
    """Signed: nothing of the form or its answers changes, whoever writes, however."""

    BYPASS = {"clinic_form_sign": True, "tracking_disable": True, "force_write": True}

    def setUp(self):
        super().setUp()
        self.form = self.signed_form()
        self.answer = self.form.answer_ids[0]
        self.hash = self.form.content_hash

    def assertUnchanged(self):
        self.env.invalidate_all()
        self.assertEqual((self.form.state, self.form.signed_name, self.form.content_hash),
                         ("signed", "Jane Client", self.hash))
        self.assertTrue(self.form._verify_content_hash())

    def test_the_orm_refuses_staff_and_sudo(self):
        for env_form in (self.form.with_user(self.frontdesk).with_context(**self.BYPASS),
                         self.form.sudo().with_context(**self.BYPASS)):
            for values in ({"signed_name": "Someone Else"}, {"signature": False}, {"partner_id": self.client_2.id},
                           {"appointment_id": False}, {"state": "requested"}, {"expires_on": "2099-01-01"}):
                with self.subTest(user=env_form.env.uid, su=env_form.env.su, values=values), \
                        self.assertRaisesRegex(UserError, "signed"):
                    env_form.write(values)
            with self.assertRaisesRegex(UserError, "signed"):
                env_form.write({"answer_ids": [Command.update(self.answer.id, {"value_text": "x"})]})
            with self.assertRaisesRegex(UserError, "signed"):
                self.answer.with_env(env_form.env).write({"value_text": "Changed"})
            with self.assertRaisesRegex(UserError, "signed"):
                self.env["clinic.form.answer"].with_env(env_form.env).create(
                    {"form_id": self.form.id, "question_id": self.q["Pregnant"].id})
            with self.assertRaises(UserError):
                env_form._submit(self.answers(), "Jane Client", SIGNATURE)
        with self.assertRaises(AccessError):
            self.form.with_user(self.frontdesk).unlink()  # no one on staff deletes forms
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.form.sudo().unlink()
        with self.assertRaisesRegex(UserError, "signed"):
            self.answer.sudo().unlink()
        self.assertUnchanged()

    def test_the_chatter_still_works(self):
        attachment = self.env["ir.attachment"].create({"name": "scan.pdf", "raw": b"%PDF-1.4",
                                                      "res_model": "clinic.form", "res_id": self.form.id})
        self.form.with_user(self.frontdesk).message_post(body="Scanned copy filed.", attachment_ids=attachment.ids)
        self.form.sudo().message_subscribe(partner_ids=self.client_2.ids)
        self.env.flush_all()
        self.assertIn("Scanned copy filed.", self.form.message_ids[0].body)
        self.assertUnchanged()

    def _raw(self, query, *params):
        with self.assertRaises(psycopg2.errors.CheckViolation) as caught, mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(query, params)
        return str(caught.exception)

    def test_postgresql_refuses_raw_sql(self):
        self.env.flush_all()
        message = self._raw("UPDATE clinic_form SET signed_name = 'x' WHERE id = %s", self.form.id)
        self.assertIn("A signed form cannot be changed", message)
        self._raw("UPDATE clinic_form SET state = 'requested' WHERE id = %s", self.form.id)
        self._raw("DELETE FROM clinic_form WHERE id = %s", self.form.id)
        self._raw("UPDATE clinic_form_answer SET value = 'x', value_text = 'x' WHERE id = %s", self.answer.id)
        self._raw("DELETE FROM clinic_form_answer WHERE id = %s", self.answer.id)
        self._raw(
            "INSERT INTO clinic_form_answer (form_id, question_id, company_id) VALUES (%s, %s, %s)",
            self.form.id, self.q["Pregnant"].id, self.form.company_id.id,
        )
        self.assertUnchanged()

    def test_postgresql_lets_unsigned_forms_change(self):
        """The triggers stop signed forms only: a requested form's rows are written as usual."""
        other = self.new_form(self.consent)
        self.env.flush_all()
        self.env.cr.execute("UPDATE clinic_form SET signed_name = 'x' WHERE id = %s", [other.id])
        self.env.cr.execute("UPDATE clinic_form_answer SET value_text = 'x' WHERE form_id = %s", [other.id])
        self.assertEqual(self.env.cr.rowcount, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestArrivalAndInsights(FormsCase):

    def test_arrival_waits_for_the_forms_when_the_service_requires_them(self):
        self.physio.forms_required_before_arrival = True
        appointment = self.book_slot("2026-03-02 15:00")
        with freeze_time("2026-03-02 14:55:00"), \
                self.assertRaisesRegex(UserError, "Jane Client must sign .*Intake \\(test\\)"):
            appointment.with_user(self.frontdesk).action_arrive()
        self.assertEqual(appointment.state, "booked")
        for form in appointment.form_ids:
            form._submit(self.answers(form.template_id), "Jane Client", SIGNATURE)
        with freeze_time("2026-03-02 14:55:00"):
            appointment.with_user(self.frontdesk).action_arrive()
        self.assertEqual(appointment.state, "arrived")

    def test_arrival_is_free_when_the_service_does_not_require_them(self):
        appointment = self.book_slot("2026-03-02 15:00")
        with freeze_time("2026-03-02 14:55:00"):
            appointment.with_user(self.frontdesk).action_arrive()
        self.assertEqual(appointment.state, "arrived")

    def test_insights(self):
        appointment = self.book_slot().with_user(self.frontdesk)
        insight = self.codes(appointment)["form_missing"]
        self.assertEqual(insight["level"], "warning")
        self.assertIn("Intake (test)", insight["message"])
        self.assertIn("Dry needling consent (test)", insight["message"])
        self.physio.forms_required_before_arrival = True
        self.assertEqual(self.codes(appointment)["form_missing"]["level"], "danger")
        intake = appointment.form_ids.filtered(lambda f: f.template_id == self.intake)
        intake._submit(self.answers(), "Jane Client", SIGNATURE)
        self.assertNotIn("Intake", self.codes(appointment)["form_missing"]["message"])
        consent = appointment.form_ids - intake
        consent._submit(self.answers(self.consent), "Jane Client", SIGNATURE)
        self.assertFalse({"form_missing", "form_expired"} & set(self.codes(appointment)))
        # A year later, the consent signed today has expired by the next visit.
        later = self.book("2027-03-09 15:00").with_user(self.frontdesk)
        codes = self.codes(later)
        self.assertIn("Dry needling consent (test)", codes["form_expired"]["message"])
        self.assertNotIn("form_missing", codes)

    def test_a_done_visit_has_no_form_insight(self):
        appointment = self.book_slot("2026-03-02 15:00")
        with freeze_time("2026-03-02 15:30:00"):
            appointment.action_arrive()
            appointment.action_done()
        self.assertNotIn("form_missing", self.codes(appointment.with_user(self.frontdesk)))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestVersions(FormsCase):

    def test_a_published_template_is_frozen(self):
        for template in (self.intake.with_user(self.manager), self.intake.sudo()):
            for values in ({"name": "Renamed"}, {"consent_text": "<p>Other</p>"}, {"validity_months": 3},
                           {"question_ids": [Command.create({"label": "New", "kind": "text"})]}):
                with self.subTest(su=template.env.su, values=values), self.assertRaisesRegex(UserError, "published"):
                    template.write(values)
            question = self.q["Occupation"].with_env(template.env)
            with self.assertRaisesRegex(UserError, "published"):
                question.write({"label": "Job"})
            with self.assertRaisesRegex(UserError, "published"):
                question.unlink()
            with self.assertRaisesRegex(UserError, "published"):
                self.env["clinic.form.question"].with_env(template.env).create(
                    {"template_id": self.intake.id, "label": "Extra"})
        with self.assertRaises(UserError):
            self.intake.with_user(self.manager).write({"state": "draft"})
        with self.assertRaises(UserError):
            self.intake.with_user(self.manager).unlink()
        self.assertEqual(self.q["Occupation"].label, "Occupation")

    def test_a_new_version_replaces_the_old_one(self):
        signed = self.signed_form(self.intake)
        pending = self.new_form(self.intake, partner=self.client_2)
        action = self.intake.with_user(self.manager).action_new_version()
        draft = self.env["clinic.form.template"].browse(action["res_id"])
        self.assertEqual((draft.state, draft.version, draft.origin_id, draft.name),
                         ("draft", 2, self.intake, "Intake (test)"))
        self.assertEqual(draft.question_ids.mapped("label"), self.intake.question_ids.mapped("label"))
        self.assertFalse(draft.question_ids & self.intake.question_ids, "its own copies")
        self.assertEqual(self.intake.with_user(self.manager).action_new_version()["res_id"], draft.id,
                         "one draft per form at a time")
        draft.with_user(self.manager).write({
            "question_ids": [Command.create({"sequence": 9, "label": "Allergies", "kind": "textarea"})]})
        draft.with_user(self.manager).action_publish()
        self.assertEqual((self.intake.state, draft.state), ("retired", "published"))
        self.assertEqual(self.physio.form_template_ids, draft | self.consent, "the service asks for the new version")
        self.assertEqual(self.intake.version_ids, draft | self.intake)
        # A form not signed yet is asked again on the new text; a signed one stays valid.
        self.assertEqual(pending.state, "cancelled")
        self.assertEqual(self.forms_of(self.client_2).filtered(lambda f: f.state == "requested").template_id, draft)
        self.assertEqual(signed.state, "signed")
        self.book_slot()
        self.assertEqual(self.forms_of().filtered(lambda f: f.state == "requested").template_id, self.consent,
                         "the intake signed on version 1 still counts")
        with self.assertRaisesRegex(UserError, "not published"):
            self.new_form(self.intake)

    def test_a_version_is_not_forged(self):
        Template = self.env["clinic.form.template"].with_user(self.manager)
        for values in ({"state": "published"}, {"version": 7}, {"origin_id": self.intake.id}):
            with self.subTest(values=values), self.assertRaises(UserError):
                Template.create(dict(values, name="Forged"))
        template = Template.with_context(default_state="published", default_version=7).create({"name": "Plain"})
        self.assertEqual((template.state, template.version, template.origin_id), ("draft", 1, template))

    def test_publishing_needs_content_and_valid_choices(self):
        Template = self.env["clinic.form.template"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "nothing to fill or sign"):
            Template.create({"name": "Empty"}).action_publish()
        with self.assertRaisesRegex(ValidationError, "at least two options"):
            Template.create({"name": "Bad", "question_ids": [
                Command.create({"label": "Pick", "kind": "selection", "options": "Only one"})]})


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestFormAccess(FormsCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, "t_forms_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, "t_forms_portal", groups="base.group_portal")

    def test_front_desk_and_providers_fill_and_sign(self):
        for user in (self.frontdesk, self.provider_user):
            with self.subTest(user=user.login):
                form = self.signed_form(user=user)
                self.assertEqual(form.with_user(user).read(["state"])[0]["state"], "signed")
                self.assertTrue(form.answer_ids.with_user(user).read(["value"]))
                self.intake.with_user(user).read(["name", "question_ids"])
                with self.assertRaises(AccessError):
                    self.intake.with_user(user).write({"service_ids": [Command.clear()]})
                with self.assertRaises(AccessError):
                    self.env["clinic.form.template"].with_user(user).create({"name": "Mine"})

    def test_other_users_read_nothing(self):
        form = self.signed_form()
        for user in (self.employee, self.portal):
            with self.subTest(user=user.login):
                for records in (form, form.answer_ids, self.intake, self.intake.question_ids):
                    with self.assertRaises(AccessError):
                        records.with_user(user).read(["display_name"])
                with self.assertRaises(AccessError):
                    self.env["clinic.form"].with_user(user).search([])

    def test_a_portal_user_does_not_sign_without_the_portals_check(self):
        """The portal calls _submit after its own access check; called as the portal user, the
        form's access rights refuse it."""
        form = self.new_form(self.consent, partner=self.client_2)
        with self.assertRaises(AccessError):
            form.with_user(self.portal)._submit(self.answers(self.consent), "John", SIGNATURE)
        self.assertEqual(form.state, "requested")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestFormsMultiCompany(MultiCompanyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        question = Command.create({"label": "Pregnant", "kind": "yes_no"})
        cls.template_a, cls.template_b = cls.env["clinic.form.template"].create([
            {"name": "Consent A", "question_ids": [question], "company_id": cls.company.id},
            {"name": "Consent B", "question_ids": [question], "company_id": cls.company_b.id},
        ])
        (cls.template_a | cls.template_b).action_publish()
        cls.form_a = cls.env["clinic.form"].create({"template_id": cls.template_a.id, "partner_id": cls.client.id})
        cls.form_b = cls.env["clinic.form"].create(
            {"template_id": cls.template_b.id, "appointment_id": cls.appointment_b.id})

    def test_forms_belong_to_their_visits_company(self):
        self.assertEqual((self.form_a.company_id, self.form_b.company_id), (self.company, self.company_b))
        self.assertEqual(self.form_b.partner_id, self.client, "the visit's client")

    def test_forms(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.form_b, self.form_a)

    def test_answers(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.form_b.answer_ids, self.form_a.answer_ids)

    def test_templates(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.template_b, self.template_a)

    def test_questions(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.template_b.question_ids, self.template_a.question_ids)

    def test_a_shared_template_serves_every_company(self):
        shared = self.env["clinic.form.template"].create({
            "name": "Shared", "company_id": False, "question_ids": [Command.create({"label": "Q", "kind": "text"})],
        })
        shared.action_publish()
        form = self.env["clinic.form"].with_user(self.desk_b).create(
            {"template_id": shared.id, "appointment_id": self.appointment_b.id})
        self.assertEqual(form.company_id, self.company_b)
        self.assertEqual(form.with_user(self.desk_b).answer_ids.label, "Q")


@tagged("post_install", "-at_install")
class TestFormDemo(TransactionCase):

    def test_the_demo_intake_is_signed_and_intact(self):
        form = self.env.ref("clinic_charting.form_intake_joel_demo")
        self.assertEqual(form.state, "signed")
        self.assertTrue(form._verify_content_hash())
        self.assertEqual(self.env.ref("clinic_charting.form_needling_joel_demo").state, "requested")
