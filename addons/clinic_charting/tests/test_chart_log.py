from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.sql_db import Cursor
from odoo.tests import freeze_time, new_test_user, tagged

from .test_note_access import ChartCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestChartAccessLog(ChartCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.frontdesk = new_test_user(cls.env, "t_log_desk", groups="clinic_scheduling.group_clinic_frontdesk")
        cls.form_spec = {
            "partner_id": {"fields": {"display_name": {}}}, "state": {}, "date": {},
            "section_ids": {"fields": {"name": {}, "body": {}}},
            "measure_ids": {"fields": {"measure_id": {"fields": {"display_name": {}}}, "value": {}}},
            "addendum_ids": {"fields": {"body": {}, "author_id": {"fields": {"display_name": {}}}}},
        }

    def log_of(self, note):
        return self.env["clinic.chart.access"].search([("note_id", "=", note.id)], order="id")

    def count_log_inserts(self):
        """Count the INSERTs into the log while the block runs (the queries still run)."""
        inserts = []
        execute = Cursor.execute

        def counting(cursor, query, params=None, log_exceptions=True):
            if "INSERT INTO \"clinic_chart_access\"" in str(getattr(query, "code", query)):
                inserts.append(query)
            return execute(cursor, query, params, log_exceptions)
        return inserts, patch.object(Cursor, "execute", counting)

    def test_opening_a_note_is_logged_once_with_one_insert(self):
        note = self.signed_note()
        self.env.flush_all()
        inserts, counting = self.count_log_inserts()
        with counting:
            note.with_user(self.quinn_user).web_read(self.form_spec)
            note.with_user(self.quinn_user).web_read(self.form_spec)  # the same request reads it again
            self.env.flush_all()
        self.assertEqual(len(inserts), 1, "one INSERT for the note, its sections, scores and addenda")
        entry = self.log_of(note).filtered(lambda e: e.user_id == self.quinn_user)
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.action, entry.partner_id, entry.date.isoformat()),
                         ("read", self.client, "2026-03-03T16:00:00"))

    def test_a_list_of_notes_is_one_insert_and_shows_no_content(self):
        notes = self.signed_note() | self.signed_note(self.quinn_user, self.appointments[1])
        self.env.flush_all()
        before = len(self.env["clinic.chart.access"].search([]))
        self.env["clinic.note"].with_user(self.pat_user).web_search_read(
            [("partner_id", "=", self.client.id)], {"date": {}, "provider_id": {"fields": {"display_name": {}}},
                                                    "state": {}})
        self.assertEqual(len(self.env["clinic.chart.access"].search([])), before, "a list shows no clinical content")
        notes.with_user(self.quinn_user).read(["summary"])
        self.assertEqual(len(self.env["clinic.chart.access"].search([])), before + 2, "a note's summary is content")
        inserts, counting = self.count_log_inserts()
        with counting:
            self.env["clinic.note.section"].with_user(self.pat_user).search_read(
                [("note_id", "in", notes.ids)], ["name", "body"])
        self.assertEqual(len(inserts), 1)
        self.assertEqual(len(self.env["clinic.chart.access"].search([("user_id", "=", self.pat_user.id)])), 2,
                         "both notes, once each in this transaction")

    def test_exports_are_logged(self):
        note = self.signed_note()
        self.pat_user.groups_id += self.env.ref("base.group_allow_export")
        note.with_user(self.pat_user).export_data(["date", "section_ids/body"])
        self.assertIn("export", self.log_of(note).mapped("action"))

    def test_who_viewed_this_chart_is_for_managers(self):
        note = self.signed_note()
        note.with_user(self.quinn_user).read(["section_ids"])
        case = self.env["clinic.case"].create({"title": "Back", "partner_id": self.client.id})
        action = self.client.with_user(self.manager).action_view_chart_access()
        entries = self.env["clinic.chart.access"].with_user(self.manager).search(action["domain"])
        self.assertIn(self.quinn_user, entries.user_id)
        self.assertEqual(case.with_user(self.manager).action_view_chart_access()["domain"], [("case_id", "=", case.id)])
        for user in (self.quinn_user, self.frontdesk):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.client.with_user(user).action_view_chart_access()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["clinic.chart.access"].with_user(user).search([])

    def test_nobody_writes_the_log_by_hand(self):
        with self.assertRaises(AccessError):
            self.env["clinic.chart.access"].with_user(self.manager).create({
                "user_id": self.pat_user.id, "note_id": self.signed_note().id, "partner_id": self.client.id,
                "company_id": self.env.company.id, "action": "read",
            })
