from datetime import datetime

import psycopg2

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import section
from .test_note_access import ChartCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestSignedNotesAreImmutable(ChartCase):
    """A signed note, its sections, scores and addenda never change: the ORM refuses, even as
    superuser, and PostgreSQL refuses raw SQL (these tests fail without the triggers)."""

    def setUp(self):
        super().setUp()
        self.note = self.signed_note()
        self.note.write({"addendum_ids": [Command.create({"body": "<p>Addendum</p>"})]})
        self.env.flush_all()

    def assertRefusedBySql(self, query, *params):
        with self.assertRaises(psycopg2.errors.CheckViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(query, params)

    def test_sudo_cannot_change_or_delete(self):
        note = self.note.sudo()
        for values in (
            {"section_ids": [Command.update(section(note, "Assessment").id, {"body": "<p>rewritten</p>"})]},
            {"date": datetime(2026, 1, 1)}, {"partner_id": self.other_client.id}, {"state": "draft"},
            {"signed_at": datetime(2026, 1, 1)}, {"content_hash": "0" * 64},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                note.write(values)
        with self.assertRaises(UserError):
            section(note, "Assessment").write({"body": "<p>rewritten</p>"})
        with self.assertRaises(UserError):
            note.section_ids.unlink()
        with self.assertRaises(UserError):
            self.env["clinic.note.section"].sudo().create({"note_id": note.id, "name": "Extra", "body": "<p>x</p>"})
        with self.assertRaises(UserError):
            note.unlink()
        with self.assertRaises(UserError):
            note.addendum_ids.write({"body": "<p>changed</p>"})
        with self.assertRaises(UserError):
            note.addendum_ids.unlink()
        self.assertEqual(self.note.integrity, "ok")

    def test_raw_sql_cannot_change_or_delete_the_note(self):
        self.assertRefusedBySql("UPDATE clinic_note SET date = date - interval '1 day' WHERE id = %s", self.note.id)
        self.assertRefusedBySql("UPDATE clinic_note SET state = 'draft' WHERE id = %s", self.note.id)
        self.assertRefusedBySql(
            "UPDATE clinic_note SET signed_by_id = %s WHERE id = %s",
            self.quinn_user.id, self.note.id)
        self.assertRefusedBySql("UPDATE clinic_note SET content_hash = %s WHERE id = %s", "0" * 64, self.note.id)
        self.assertRefusedBySql(
            "UPDATE clinic_note SET state = 'signed', cosigned_by_id = %s, cosigned_at = now() WHERE id = %s",
            self.quinn_user.id, self.note.id,
        )
        self.assertRefusedBySql("DELETE FROM clinic_note WHERE id = %s", self.note.id)

    def test_raw_sql_cannot_change_its_lines_or_addenda(self):
        self.assertRefusedBySql(
            "UPDATE clinic_note_section SET body = '<p>forged</p>' WHERE note_id = %s",
            self.note.id)
        self.assertRefusedBySql("DELETE FROM clinic_note_section WHERE note_id = %s", self.note.id)
        self.assertRefusedBySql(
            "INSERT INTO clinic_note_section (note_id, name, body, sequence) VALUES (%s, 'Extra', '<p>x</p>', 99)",
            self.note.id,
        )
        measure = self.env.ref("clinic_charting.measure_pain_nprs")
        self.assertRefusedBySql(
            "INSERT INTO clinic_note_measure (note_id, measure_id, value, sequence) VALUES (%s, %s, 1, 1)",
            self.note.id, measure.id,
        )
        self.assertRefusedBySql(
            "UPDATE clinic_note_addendum SET body = '<p>forged</p>' WHERE note_id = %s",
            self.note.id)
        self.assertRefusedBySql("DELETE FROM clinic_note_addendum WHERE note_id = %s", self.note.id)
        self.env.invalidate_all()
        self.assertIn("70%", section(self.note, "Assessment").body)
        self.assertEqual(self.note.integrity, "ok")

    def test_what_may_change_on_a_signed_note(self):
        """Its confidentiality and its chatter: not content. The digest still verifies."""
        self.env.cr.execute("UPDATE clinic_note SET confidential = TRUE WHERE id = %s", (self.note.id,))
        self.note.message_post(body="Sent to the insurer")
        self.env.invalidate_all()
        self.assertTrue(self.note.confidential)
        self.assertEqual(self.note.integrity, "ok")

    def test_a_draft_stays_editable_and_a_forged_digest_shows(self):
        draft = self.env["clinic.note"].with_user(self.quinn_user).create({"appointment_id": self.appointments[1].id})
        self.env.flush_all()
        self.env.cr.execute("UPDATE clinic_note_section SET body = '<p>typed</p>' WHERE note_id = %s", (draft.id,))
        self.env.cr.execute("UPDATE clinic_note SET date = date WHERE id = %s", (draft.id,))
        # A signed note whose trigger was bypassed (a restored dump edited by hand) no longer
        # matches its digest: the form says so.
        self.env.cr.execute("ALTER TABLE clinic_note_section DISABLE TRIGGER clinic_note_section_lock")
        self.env.cr.execute("UPDATE clinic_note_section SET body = '<p>forged</p>' WHERE note_id = %s", (self.note.id,))
        self.env.cr.execute("ALTER TABLE clinic_note_section ENABLE TRIGGER clinic_note_section_lock")
        self.env.invalidate_all()
        self.assertEqual(self.note.integrity, "broken")

    def test_the_access_log_is_append_only(self):
        self.note.with_user(self.quinn_user).read(["section_ids"])
        entry = self.env["clinic.chart.access"].search([("note_id", "=", self.note.id)], limit=1)
        self.assertTrue(entry)
        self.assertRefusedBySql("UPDATE clinic_chart_access SET user_id = %s WHERE id = %s", self.pat_user.id, entry.id)
        self.assertRefusedBySql("DELETE FROM clinic_chart_access WHERE id = %s", entry.id)
        self.assertRefusedBySql("TRUNCATE clinic_chart_access")
        with self.assertRaises(UserError):
            entry.sudo().unlink()
        with self.assertRaises(UserError):
            entry.sudo().write({"action": "print"})
