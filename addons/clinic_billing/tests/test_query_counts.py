from odoo.tests import freeze_time, tagged, warmup

from odoo.addons.clinic_scheduling.tests.common import CHARTING_INSIGHT_QUERIES

from .common import BillingCase

# Completing a covered visit (test_completing_a_covered_visit): the state change and its side
# effects in scheduling, then billing's lock of the coverages, the authorization's conditional
# update and usage line (about 12), the two charges, and Odoo's own invoice line creation, about 40
# queries per line added to a draft (measured: 84 of the total for the two lines). (123 until the
# schedule's refresh notice took its groups from ir.model.data's cache.)
QUERIES_DONE = 120
# The same with payers invoiced by month: the shares wait for the daily job, no invoice is touched.
QUERIES_DONE_MONTHLY = 48  # 51 until the schedule's refresh notice took its groups from a cache


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestBillingQueryCounts(BillingCase):
    """Billing's share of the hot paths it extends, exact both ways (see the scheduling tests)."""

    @warmup
    def test_insights_and_day_view_with_authorizations(self):
        case_2 = self.env["clinic.case"].create({"title": "Back", "partner_id": self.client_2.id})
        plans = self.authorize(visits=5) | self.authorize(visits=2, name="AUTH-2", case=case_2)
        visits = self.book("2026-03-03 14:00", case_id=self.case.id) | self.book(
            "2026-03-03 14:00", provider=self.bob, room=self.room_2, partner=self.client_2, case_id=case_2.id)
        self.assertEqual(visits.authorization_id, plans)
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        # Charting, when installed, adds the service's forms (see CHARTING_INSIGHT_QUERIES).
        charting = CHARTING_INSIGHT_QUERIES if self.installed("clinic_charting") else 0
        with self.assertQueryCountExactly(19 + charting):
            insights = Appointment.browse(visits[0].id)._get_booking_insights()
        self.assertIn("authorization", {i["code"] for i in insights})
        # The day view reads every card's authorization at once: two queries more (the plans and
        # their company's reassessment threshold) for any number of cards.
        with self.assertQueryCountExactly(19):
            data = Appointment.get_day_view_data("2026-03-03", self.location.id)
        self.assertEqual(sorted(b["label"] for c in data["appointments"] for b in c["badges"]),
                         ["Auth 1/2", "Auth 4/5"])

    @warmup
    def test_completing_a_covered_visit(self):
        """Done on a visit under an authorization, with a primary and a secondary coverage that
        leave nothing to the client: the authorization used, two shares, each its payer's invoice
        (per visit)."""
        self.cover(payer=self.motor, payer_share=80.0)
        self.cover(payer=self.insurer, priority="2", policy_number="POL-2")
        self.authorize(visits=10)  # far from the reassessment threshold: no activity in the count
        self.visit("2026-03-02 14:00", case_id=self.case.id)
        visit = self.book("2026-03-02 16:00", case_id=self.case.id)
        with freeze_time("2026-03-02 17:00:00"):
            visit.with_user(self.frontdesk).action_arrive()
            with self.assertQueryCountExactly(QUERIES_DONE):
                visit.with_user(self.frontdesk).action_done()
        self.assertEqual(sorted(visit.charge_ids.mapped("amount")), [20.0, 80.0])
        self.assertEqual(visit.charge_ids.move_id.partner_id, self.motor | self.insurer)
        # Per month, the shares wait for the daily job, which fills a long draft in one write.
        self.env.company.clinic_payer_invoice_grouping = "month"
        later = self.book("2026-03-02 18:00", case_id=self.case.id)
        with freeze_time("2026-03-02 19:00:00"):
            later.with_user(self.frontdesk).action_arrive()
            with self.assertQueryCountExactly(QUERIES_DONE_MONTHLY):
                later.with_user(self.frontdesk).action_done()
        self.assertFalse(later.charge_ids.move_line_id)
