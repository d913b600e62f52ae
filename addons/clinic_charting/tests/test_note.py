from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged

from .common import new_note, section, write_sections


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestChartNote(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider_user = new_test_user(cls.env, "t_chart_prov", groups="clinic_scheduling.group_clinic_provider")
        cls.colleague = new_test_user(cls.env, "t_chart_coll", groups="clinic_scheduling.group_clinic_provider")
        cls.frontdesk = new_test_user(cls.env, "t_chart_desk", groups="clinic_scheduling.group_clinic_frontdesk")
        cls.location = cls.env["clinic.location"].create({"name": "Chart Clinic", "tz": "America/Toronto"})
        cls.service = cls.env["clinic.service"].create({"name": "Physio (chart test)", "duration": 30})
        cls.counselling = cls.env["clinic.service"].create({
            "name": "Counselling (chart test)", "duration": 50,
            "note_template_id": cls.env.ref("clinic_charting.note_template_birp").id,
        })
        cls.provider = cls.env["clinic.provider"].create({
            "name": "Pat Provider", "user_id": cls.provider_user.id, "discipline": "other",
            "service_ids": [Command.set((cls.service | cls.counselling).ids)],
        })
        cls.client = cls.env["res.partner"].create({"name": "Chris Client"})
        cls.case = cls.env["clinic.case"].create({"title": "Low back pain", "partner_id": cls.client.id})
        cls.appointment = cls.book(cls, cls.service, datetime(2026, 3, 3, 15, 0))
        cls.pain = cls.env.ref("clinic_charting.measure_pain_nprs")

    def book(self, service, start, provider=None):
        return self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": service.id, "provider_id": (provider or self.provider).id,
            "location_id": self.location.id, "case_id": self.case.id, "start": start,
        })

    def test_note_from_appointment_uses_the_services_template_and_case(self):
        action = self.appointment.with_user(self.provider_user).action_open_note()
        note = self.env["clinic.note"].browse(action["res_id"])
        self.assertEqual((note.partner_id, note.case_id, note.date), (self.client, self.case, self.appointment.start))
        self.assertEqual(note.template_id, self.env.ref("clinic_charting.note_template_soap"),
                         "no template on the service nor for the discipline: the standard SOAP note")
        self.assertEqual(note.section_ids.mapped("name"), ["Subjective", "Objective", "Assessment", "Plan"])
        again = self.appointment.with_user(self.provider_user).action_open_note()
        self.assertEqual(again["res_id"], note.id, "one note per appointment, reopened")

        session = self.book(self.counselling, datetime(2026, 3, 4, 15, 0))
        birp = self.env["clinic.note"].browse(session.with_user(self.provider_user).action_open_note()["res_id"])
        self.assertEqual(birp.kind, "birp")
        self.assertEqual(birp.section_ids.mapped("name"), ["Behaviour", "Intervention", "Response", "Plan"])

    def test_template_prompts_and_a_change_of_template(self):
        template = self.env["clinic.note.template"].create({
            "name": "DAP with prompts", "kind": "dap", "section_ids": [
                Command.create({"sequence": 1, "name": "Data", "default_body": "<p>Pain (0-10): </p>"}),
                Command.create({"sequence": 2, "name": "Assessment"}),
                Command.create({"sequence": 3, "name": "Plan"}),
            ],
        })
        note = self.env["clinic.note"].with_user(self.provider_user).create(
            {"appointment_id": self.appointment.id, "template_id": template.id})
        self.assertIn("Pain (0-10)", section(note, "Data").body)
        with self.assertRaisesRegex(UserError, "empty"):
            note.action_sign()  # only the template's prompts
        note.template_id = self.env.ref("clinic_charting.note_template_soap")
        self.assertEqual(note.section_ids.mapped("name"), ["Subjective", "Objective", "Assessment", "Plan"],
                         "nothing written yet: the new template's sections replace the old")
        write_sections(note, plan="<p>Home exercises</p>")
        note.template_id = template
        self.assertEqual(section(note, "Plan").body, "<p>Home exercises</p>", "what was written is never thrown away")

    def test_signing_locks_and_addenda_amend(self):
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment,
                        assessment="<p>Improving, lumbar flexion 70%</p>")
        note.write({"measure_ids": [Command.create({"measure_id": self.pain.id, "value": 4})]})
        note.action_sign()
        self.assertEqual((note.state, note.signed_by_id), ("signed", self.provider_user))
        self.assertEqual(note.signed_at, datetime(2026, 3, 3, 16, 0))
        self.assertEqual(len(note.content_hash), 64)
        self.assertEqual(note.integrity, "ok")
        for values in ({"section_ids": [Command.update(section(note, "Assessment").id, {"body": "<p>x</p>"})]},
                       {"measure_ids": [Command.create({"measure_id": self.pain.id, "value": 1})]},
                       {"date": datetime(2026, 3, 1)}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "locked"):
                note.write(values)
        with self.assertRaisesRegex(UserError, "locked"):
            section(note, "Assessment").write({"body": "<p>rewritten</p>"})
        with self.assertRaisesRegex(UserError, "locked"):
            note.measure_ids.value = 1
        with self.assertRaises(UserError):
            note.unlink()
        with self.assertRaises(UserError):
            note.action_archive()
        addendum = self.env["clinic.note.addendum"].with_user(self.provider_user).create(
            {"note_id": note.id, "body": "<p>Correction: flexion 60%</p>"})
        self.assertEqual((addendum.author_id, addendum.signed_at), (self.provider_user, datetime(2026, 3, 3, 16, 0)))
        self.assertEqual(len(addendum.content_hash), 64)
        with self.assertRaises(UserError):
            addendum.write({"body": "<p>changed</p>"})
        with self.assertRaises(UserError):
            addendum.unlink()
        self.assertIn("70%", section(note, "Assessment").body, "the signed text is untouched")
        self.assertEqual(note.integrity, "ok")

    def test_only_the_author_signs(self):
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment, plan="<p>x</p>")
        manager = new_test_user(self.env, "t_chart_mgr", groups="clinic_scheduling.group_clinic_manager")
        with self.assertRaisesRegex(UserError, "signed by its author"):
            note.with_user(manager).action_sign()
        self.assertEqual(note.state, "draft")

    def test_a_students_note_waits_for_the_supervisors_cosignature(self):
        supervisor_user = new_test_user(self.env, "t_chart_sup", groups="clinic_scheduling.group_clinic_provider")
        supervisor = self.env["clinic.provider"].create({"name": "Sue Supervisor", "user_id": supervisor_user.id})
        student_user = new_test_user(self.env, "t_chart_stu", groups="clinic_scheduling.group_clinic_provider")
        student = self.env["clinic.provider"].create({
            "name": "Stu Student", "user_id": student_user.id, "supervisor_id": supervisor.id,
            "service_ids": [Command.set(self.service.ids)],
        })
        visit = self.book(self.service, datetime(2026, 3, 3, 13, 0), provider=student)
        note = new_note(self.env["clinic.note"].with_user(student_user), visit, plan="<p>Stretches</p>")
        note.action_sign()
        self.assertEqual((note.state, note.cosigner_id), ("to_cosign", supervisor_user))
        cosign_type = self.env.ref("clinic_charting.mail_activity_type_note_cosign")
        cosign_activity = note.activity_ids.filtered(lambda activity: activity.activity_type_id == cosign_type)
        self.assertEqual(cosign_activity.user_id, supervisor_user)
        with self.assertRaisesRegex(UserError, "locked"):
            write_sections(note, plan="<p>changed after signing</p>")
        with self.assertRaisesRegex(UserError, "co-signed by"):
            note.action_cosign()  # the student cannot co-sign their own note
        self.assertEqual(note.with_user(supervisor_user).summary, "Plan: Stretches", "the supervisor reads it")
        note.with_user(supervisor_user).action_cosign()
        self.assertEqual((note.state, note.cosigned_by_id), ("signed", supervisor_user))
        self.assertEqual(note.integrity, "ok")
        self.assertFalse(note.activity_ids, "the co-sign activity is done")
        with self.assertRaisesRegex(UserError, "does not wait"):
            note.with_user(supervisor_user).action_cosign()
        with self.assertRaises(ValidationError):
            supervisor.supervisor_id = supervisor

    def test_confidential_note_is_read_by_its_author_and_managers_only(self):
        manager = new_test_user(self.env, "t_chart_conf_mgr", groups="clinic_scheduling.group_clinic_manager")
        colleague_provider = self.env["clinic.provider"].create({
            "name": "Colin Colleague", "user_id": self.colleague.id, "service_ids": [Command.set(self.service.ids)]})
        self.book(self.service, datetime(2026, 3, 2, 15, 0), provider=colleague_provider)  # treats Chris too
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment,
                        subjective="<p>Disclosed family violence</p>")
        note.action_sign()
        Note = self.env["clinic.note"]
        self.assertEqual(Note.with_user(self.colleague).search([("id", "=", note.id)]), note)
        with self.assertRaisesRegex(UserError, "Only the author"):
            note.with_user(self.colleague).sudo(False).write({"confidential": True})
        note.with_user(self.provider_user).confidential = True  # allowed on a signed note: not its content
        self.assertFalse(Note.with_user(self.colleague).search([("id", "=", note.id)]))
        with self.assertRaises(AccessError):
            section(note, "Subjective").with_user(self.colleague).read(["body"])
        self.assertEqual(Note.with_user(manager).search([("id", "=", note.id)]), note)
        self.assertEqual(note.integrity, "ok", "confidentiality is not content")

    def test_measures_are_scored_within_their_range(self):
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment)
        with self.assertRaisesRegex(ValidationError, "from 0 to 10"), self.env.cr.savepoint():
            note.write({"measure_ids": [Command.create({"measure_id": self.pain.id, "value": 11})]})
        note.write({"measure_ids": [Command.create({"measure_id": self.pain.id, "value": 6})]})
        self.assertEqual((note.measure_ids.case_id, note.measure_ids.partner_id), (self.case, self.client))
        note.action_sign()  # a score alone is worth signing
        self.assertEqual(self.case.with_user(self.provider_user).measure_count, 1)

    def test_note_html_is_sanitized(self):
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment,
                        subjective='<p>ok</p><script>alert("x")</script><img src=x onerror="alert(1)">')
        self.assertNotIn("<script", section(note, "Subjective").body)
        self.assertNotIn("onerror", section(note, "Subjective").body)

    def test_who_may_read_and_write_notes(self):
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment,
                        plan="<p>Home exercises</p>")
        with self.assertRaises(AccessError):
            note.with_user(self.colleague).read(["section_ids"])  # a draft stays with its author
        with self.assertRaises(AccessError):
            section(note, "Plan").with_user(self.colleague).write({"body": "<p>not mine</p>"})
        portal = new_test_user(self.env, "t_chart_portal", groups="base.group_portal", partner_id=self.client.id)
        for user in (self.frontdesk, portal):
            for model in ("clinic.note", "clinic.note.section", "clinic.note.measure", "clinic.note.addendum",
                          "clinic.chart.access"):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
        with self.assertRaisesRegex(UserError, "Pat Provider writes the chart note"):
            self.appointment.with_user(self.colleague).action_open_note()

    def test_the_front_desk_sees_whether_a_visit_is_charted(self):
        appointment = self.appointment.with_user(self.frontdesk)
        self.assertEqual(appointment.chart_state, "none")
        note = new_note(self.env["clinic.note"].with_user(self.provider_user), self.appointment, plan="<p>x</p>")
        appointment.invalidate_recordset(["chart_state"])
        self.assertEqual(appointment.chart_state, "draft")
        note.action_sign()
        appointment.invalidate_recordset(["chart_state"])
        self.assertEqual(appointment.chart_state, "signed")
        with self.assertRaises(AccessError):
            appointment.read(["note_ids"])

    def test_unsigned_notes_remind_their_author_once(self):
        self.env.company.clinic_note_sign_days = 2
        old = self.book(self.service, datetime(2026, 2, 27, 15, 0))
        recent = self.book(self.service, datetime(2026, 3, 2, 15, 0))
        Note = self.env["clinic.note"].with_user(self.provider_user)
        late, fresh = new_note(Note, old, plan="<p>x</p>"), new_note(Note, recent, plan="<p>y</p>")
        sign_type = self.env.ref("clinic_charting.mail_activity_type_note_sign")
        self.env["clinic.note"]._cron_remind_unsigned()
        self.env["clinic.note"]._cron_remind_unsigned()
        self.assertEqual(len(late.activity_ids), 1, "one reminder, not one a day")
        self.assertEqual((late.activity_ids.activity_type_id, late.activity_ids.user_id),
                         (sign_type, self.provider_user))
        self.assertFalse(fresh.activity_ids)
        late.action_sign()
        self.assertFalse(late.activity_ids, "signing marks the reminder done")
