from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestChartNote(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider_user = new_test_user(cls.env, "t_chart_prov", groups="clinic_scheduling.group_clinic_provider")
        cls.colleague = new_test_user(cls.env, "t_chart_coll", groups="clinic_scheduling.group_clinic_provider")
        cls.frontdesk = new_test_user(cls.env, "t_chart_desk", groups="clinic_scheduling.group_clinic_frontdesk")
        location = cls.env["clinic.location"].create({"name": "Chart Clinic", "tz": "America/Toronto"})
        service = cls.env["clinic.service"].create({"name": "Physio (chart test)", "duration": 30})
        cls.provider = cls.env["clinic.provider"].create({
            "name": "Pat Provider", "user_id": cls.provider_user.id, "discipline": "physiotherapy",
            "service_ids": [Command.set(service.ids)],
        })
        cls.client = cls.env["res.partner"].create({"name": "Chris Client"})
        cls.case = cls.env["clinic.case"].create({"title": "Low back pain", "partner_id": cls.client.id})
        cls.appointment = cls.env["clinic.appointment"].create({
            "partner_id": cls.client.id, "service_id": service.id, "provider_id": cls.provider.id,
            "location_id": location.id, "case_id": cls.case.id, "start": datetime(2026, 3, 3, 15, 0),
        })
        cls.template = cls.env["clinic.note.template"].create({
            "name": "Physio (test)", "discipline": "physiotherapy", "subjective": "<p>Pain (0-10): </p>",
        })

    def test_note_from_appointment_uses_template_and_case(self):
        action = self.appointment.with_user(self.provider_user).action_open_note()
        note = self.env["clinic.note"].browse(action["res_id"])
        self.assertEqual(note.partner_id, self.client)
        self.assertEqual(note.case_id, self.case)
        self.assertEqual(note.date, self.appointment.start)
        self.assertIn("Pain (0-10)", note.subjective)
        again = self.appointment.with_user(self.provider_user).action_open_note()
        self.assertEqual(again["res_id"], note.id, "one note per appointment, reopened")

    def test_signing_locks_and_addenda_amend(self):
        note = self.env["clinic.note"].with_user(self.provider_user).create({"appointment_id": self.appointment.id})
        with self.assertRaises(UserError):
            note.action_sign()  # empty
        note.write({"assessment": "<p>Improving, lumbar flexion 70%</p>"})
        note.action_sign()
        self.assertEqual((note.state, note.signed_by_id), ("signed", self.provider_user))
        self.assertEqual(note.signed_at, datetime(2026, 3, 3, 16, 0))
        with self.assertRaisesRegex(UserError, "locked"):
            note.write({"assessment": "<p>rewritten</p>"})
        with self.assertRaises(UserError):
            note.unlink()
        addendum = self.env["clinic.note.addendum"].with_user(self.provider_user).create(
            {"note_id": note.id, "body": "<p>Correction: flexion 60%</p>"}
        )
        self.assertEqual(addendum.author_id, self.provider_user)
        with self.assertRaises(UserError):
            addendum.write({"body": "<p>changed</p>"})
        with self.assertRaises(UserError):
            addendum.unlink()
        self.assertIn("70%", note.assessment, "the signed text is untouched")

    def test_note_html_is_sanitized(self):
        note = self.env["clinic.note"].with_user(self.provider_user).create({
            "appointment_id": self.appointment.id,
            "subjective": '<p>ok</p><script>alert("x")</script><img src=x onerror="alert(1)">',
        })
        self.assertNotIn("<script", note.subjective)
        self.assertNotIn("onerror", note.subjective)

    def test_who_may_read_and_write_notes(self):
        note = self.env["clinic.note"].with_user(self.provider_user).create(
            {"appointment_id": self.appointment.id, "plan": "<p>Home exercises</p>"}
        )
        with self.assertRaises(AccessError):
            note.with_user(self.colleague).read(["plan"])  # a draft stays with its author
        with self.assertRaises(AccessError):
            note.with_user(self.colleague).write({"plan": "<p>not mine</p>"})
        with self.assertRaises(AccessError):
            note.with_user(self.frontdesk).read(["plan"])
        with self.assertRaises(AccessError):
            self.env["clinic.note"].with_user(self.frontdesk).search([])
