from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, freeze_time, new_test_user, tagged

from .common import new_note, section, write_sections


class ChartCase(TransactionCase):
    """A client treated by two providers (Pat and Quinn); a third provider (Robin) never saw them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pat_user = new_test_user(cls.env, "t_acc_pat", groups="clinic_scheduling.group_clinic_provider")
        cls.quinn_user = new_test_user(cls.env, "t_acc_quinn", groups="clinic_scheduling.group_clinic_provider")
        cls.robin_user = new_test_user(cls.env, "t_acc_robin", groups="clinic_scheduling.group_clinic_provider")
        cls.manager = new_test_user(cls.env, "t_acc_manager", groups="clinic_scheduling.group_clinic_manager")
        location = cls.env["clinic.location"].create({"name": "Access Clinic", "tz": "UTC"})
        service = cls.env["clinic.service"].create({"name": "Physio (access test)", "duration": 30})
        cls.pat, cls.quinn, cls.robin = cls.env["clinic.provider"].create([
            {"name": name, "user_id": user.id, "service_ids": [Command.set(service.ids)]}
            for name, user in (("Pat", cls.pat_user), ("Quinn", cls.quinn_user), ("Robin", cls.robin_user))
        ])
        cls.client = cls.env["res.partner"].create({"name": "Casey Client"})
        cls.other_client = cls.env["res.partner"].create({"name": "Other Client"})
        cls.appointments = cls.env["clinic.appointment"].create([
            {"partner_id": partner.id, "service_id": service.id, "provider_id": provider.id,
             "location_id": location.id, "start": start}
            for partner, provider, start in (
                (cls.client, cls.pat, datetime(2026, 3, 2, 15, 0)),
                (cls.client, cls.quinn, datetime(2026, 3, 3, 15, 0)),
                (cls.other_client, cls.robin, datetime(2026, 3, 3, 15, 0)),
            )
        ])

    def signed_note(self, user=None, appointment=None):
        note = new_note(self.env["clinic.note"].with_user(user or self.pat_user), appointment or self.appointments[0],
                        assessment="<p>Lumbar flexion 70%</p>")
        note.action_sign()
        return note


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestNoteAccess(ChartCase):

    def test_a_draft_stays_with_its_author(self):
        draft = new_note(self.env["clinic.note"].with_user(self.pat_user), self.appointments[0],
                         plan="<p>Home exercises</p>")
        self.assertEqual(section(draft.with_user(self.pat_user), "Plan").body, "<p>Home exercises</p>")
        for colleague in (self.quinn_user, self.robin_user):
            self.assertFalse(self.env["clinic.note"].with_user(colleague).search([("id", "=", draft.id)]))
            with self.assertRaises(AccessError):
                draft.with_user(colleague).read(["section_ids"])
        self.assertEqual(section(draft.with_user(self.manager), "Plan").body, "<p>Home exercises</p>")

    def test_signed_notes_are_read_by_the_clients_providers_only(self):
        note = self.signed_note()
        Note = self.env["clinic.note"]
        self.assertEqual(Note.with_user(self.quinn_user).search([("partner_id", "=", self.client.id)]), note,
                         "Quinn also treats Casey: reads the signed note")
        self.assertIn("70%", section(note.with_user(self.quinn_user), "Assessment").body)
        self.assertFalse(Note.with_user(self.robin_user).search([("partner_id", "=", self.client.id)]),
                         "Robin never treated Casey")
        with self.assertRaises(AccessError):
            note.with_user(self.robin_user).read(["section_ids"])
        with self.assertRaises(AccessError):
            section(note, "Assessment").with_user(self.robin_user).read(["body"])

    def test_colleagues_never_write_a_note(self):
        note = self.signed_note()
        with self.assertRaises(AccessError):
            note.with_user(self.quinn_user).write(
                {"addendum_ids": [Command.create({"body": "<p>Quinn's addendum on Pat's note</p>"})]}
            )
        draft = new_note(self.env["clinic.note"].with_user(self.quinn_user), self.appointments[1],
                         plan="<p>Quinn's plan</p>")
        with self.assertRaises(AccessError):
            write_sections(draft.with_user(self.pat_user), plan="<p>Pat edits Quinn's draft</p>")

    def test_addendum_saved_from_the_note_form(self):
        note = self.signed_note()
        with Form(note.with_user(self.pat_user)) as form:
            with form.addendum_ids.new() as line:
                line.body = "<p>Correction: flexion 60%, not 70%</p>"
        addendum = note.addendum_ids
        self.assertEqual(len(addendum), 1)
        self.assertEqual(addendum.author_id, self.pat_user)
        self.assertIn("60%", addendum.body)
        self.assertIn("70%", section(note, "Assessment").body, "the signed text is untouched")

    def test_only_new_addenda_pass_the_lock(self):
        note = self.signed_note()
        note.with_user(self.pat_user).write({"addendum_ids": [Command.create({"body": "<p>First</p>"})]})
        first = note.addendum_ids
        for commands in (
            [Command.update(first.id, {"body": "<p>Rewritten</p>"})],
            [Command.delete(first.id)],
            [Command.unlink(first.id)],
            [Command.create({"body": "<p>New</p>"}), Command.update(first.id, {"body": "<p>Rewritten</p>"})],
        ):
            with self.assertRaises(UserError):
                note.with_user(self.pat_user).write({"addendum_ids": commands})
        with self.assertRaisesRegex(UserError, "locked"):
            note.with_user(self.pat_user).write({
                "addendum_ids": [Command.create({"body": "<p>New</p>"})], "date": datetime(2026, 1, 1),
            })
        self.assertEqual(first.body, "<p>First</p>")

    def test_addenda_follow_the_notes_access(self):
        note = self.signed_note()
        note.with_user(self.pat_user).write({"addendum_ids": [Command.create({"body": "<p>Addendum</p>"})]})
        Addendum = self.env["clinic.note.addendum"]
        self.assertEqual(Addendum.with_user(self.quinn_user).search([("note_id", "=", note.id)]), note.addendum_ids)
        self.assertFalse(Addendum.with_user(self.robin_user).search([("note_id", "=", note.id)]))


@tagged("post_install", "-at_install")
class TestNoteTour(HttpCase, ChartCase):

    def test_write_sign_and_amend_a_note_from_the_appointment(self):
        self.pat_user.password = "t_acc_pat_pw"
        appointment = self.appointments[0]
        self.start_tour(f"/odoo/clinic.appointment/{appointment.id}", "clinic_note_from_appointment", login="t_acc_pat")
        note = appointment.note_ids
        self.assertEqual(len(note), 1)
        self.assertEqual((note.state, note.signed_by_id), ("signed", self.pat_user))
        self.assertIn("Lumbar flexion 80%", section(note, "Assessment").body)
        self.assertEqual((note.measure_ids.measure_id.name, note.measure_ids.value), ("Pain (NPRS)", 3.0))
        self.assertEqual(note.integrity, "ok")
        self.assertEqual(len(note.addendum_ids), 1)
        self.assertIn("Correction: pain 4/10, not 3/10.", note.addendum_ids.body)
        self.assertEqual(note.addendum_ids.author_id, self.pat_user)
        self.assertIn(self.pat_user, self.env["clinic.chart.access"].search([("note_id", "=", note.id)]).user_id,
                      "opening the note in the browser is logged")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestSignatureCannotBeForged(ChartCase):
    """No context key opens a signed note: its text, its signature and its addenda's authors
    change only the documented way (Sign, addenda)."""

    BYPASS = {"clinic_note_sign": True, "clinic_state_change": True}

    def test_a_signed_note_stays_as_signed(self):
        note = self.signed_note().with_user(self.pat_user).with_context(**self.BYPASS)
        for values in ({"section_ids": [Command.update(section(note, "Assessment").id, {"body": "<p>rewritten</p>"})]},
                       {"state": "draft"}, {"signed_at": datetime(2020, 1, 1)}, {"content_hash": "0" * 64}):
            with self.subTest(values=values), self.assertRaises(UserError):
                note.write(values)
        with self.assertRaises(UserError):
            note.unlink()
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(UserError):
            note.with_user(admin).write({"signed_by_id": admin.id})
        self.assertEqual((note.state, note.signed_by_id, note.signed_at),
                         ("signed", self.pat_user, datetime(2026, 3, 3, 16, 0)))

    def test_a_note_is_never_created_signed_nor_for_someone_else(self):
        Note = self.env["clinic.note"].with_user(self.pat_user).with_context(**self.BYPASS)
        base = {"appointment_id": self.appointments[0].id}
        for values in ({"state": "signed"}, {"signed_by_id": self.quinn_user.id},
                       {"signed_at": datetime(2026, 1, 1)}):
            with self.subTest(values=values), self.assertRaises(UserError):
                Note.create(dict(base, **values))
        note = Note.with_context(default_state="signed", default_signed_by_id=self.quinn_user.id).create(base)
        self.assertEqual((note.state, note.signed_by_id.id), ("draft", False))

    def test_a_provider_writes_notes_only_for_their_own_appointments(self):
        quinns_appointment = self.appointments[1]
        with self.assertRaises(ValidationError):
            self.env["clinic.note"].with_user(self.pat_user).create({
                "appointment_id": quinns_appointment.id, "provider_id": self.pat.id,
            })
        with self.assertRaises(AccessError):
            self.env["clinic.note"].with_user(self.pat_user).create({
                "appointment_id": quinns_appointment.id,
            })

    def test_an_addendum_is_signed_by_whoever_adds_it(self):
        note = self.signed_note()
        Addendum = self.env["clinic.note.addendum"].with_user(self.pat_user)
        with self.assertRaises(UserError):
            Addendum.create({"note_id": note.id, "body": "<p>x</p>", "author_id": self.quinn_user.id})
        addendum = Addendum.with_context(default_author_id=self.quinn_user.id).create(
            {"note_id": note.id, "body": "<p>Correction</p>"})
        self.assertEqual(addendum.author_id, self.pat_user)
