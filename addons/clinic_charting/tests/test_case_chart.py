from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import new_note
from .test_note_access import ChartCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestCaseChartPdf(ChartCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.env["clinic.case"].create({"title": "Low back pain", "partner_id": cls.client.id})
        cls.appointments[:2].case_id = cls.case

    def render(self, user):
        html, _kind = self.env["ir.actions.report"].with_user(user)._render_qweb_html(
            "clinic_charting.report_case_chart", self.case.ids)
        return html.decode()

    def test_the_chart_prints_what_the_reader_may_read_and_logs_it(self):
        pats = self.signed_note()
        quinns = new_note(self.env["clinic.note"].with_user(self.quinn_user), self.appointments[1],
                          plan="<p>Quinn's private plan</p>")
        quinns.with_user(self.quinn_user).confidential = True
        quinns.action_sign()
        first = self.appointments[0]
        later = self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": first.service_id.id, "provider_id": self.pat.id,
            "location_id": first.location_id.id, "case_id": self.case.id, "start": datetime(2026, 3, 5, 15, 0),
        })
        new_note(self.env["clinic.note"].with_user(self.pat_user), later, plan="<p>Unsigned draft</p>")
        html = self.render(self.pat_user)
        self.assertIn("Lumbar flexion 70%", html)
        self.assertIn(pats.content_hash, html)
        self.assertNotIn("Quinn's private plan", html, "a confidential note of a colleague is left out")
        self.assertNotIn("Unsigned draft", html, "drafts are not part of the chart")
        log = self.env["clinic.chart.access"].search([("user_id", "=", self.pat_user.id), ("action", "=", "print")])
        self.assertEqual(log.note_id, pats)
        manager_html = self.render(self.manager)
        self.assertIn("Quinn's private plan", manager_html)

    def test_the_front_desk_cannot_print_a_chart(self):
        frontdesk = new_test_user(self.env, "t_pdf_desk", groups="clinic_scheduling.group_clinic_frontdesk")
        self.signed_note()
        with self.assertRaises(AccessError):
            self.render(frontdesk)
