from datetime import date

from odoo.tests import tagged

from ..tools.split import split_price
from .common import BillingCase


def terms(percent=100.0, copay=0.0, deductible_left=0.0, max_left=None, key="primary"):
    return {"key": key, "percent": percent, "copay": copay, "deductible_left": deductible_left, "max_left": max_left}


@tagged("post_install", "-at_install")
class TestSplit(BillingCase):
    """Who pays what of a visit: the arithmetic, case by case, then the same through real invoices."""

    def test_split_table(self):
        round_cad = self.env.company.currency_id.round
        # (price, coverages, expected payer amounts, expected deductible counted, expected client share)
        cases = [
            ("no coverage", 95.0, [], [], [], 95.0),
            ("full cover", 95.0, [terms()], [95.0], [0.0], 0.0),
            ("80% with $10 co-pay", 95.0, [terms(80, copay=10)], [68.0], [0.0], 27.0),
            ("co-pay above the price", 8.0, [terms(80, copay=10)], [0.0], [0.0], 8.0),
            ("deductible not met", 95.0, [terms(50, deductible_left=200)], [0.0], [95.0], 95.0),
            ("deductible met during the visit", 95.0, [terms(50, deductible_left=35)], [30.0], [35.0], 65.0),
            ("yearly maximum reached", 95.0, [terms(100, max_left=40)], [40.0], [0.0], 55.0),
            ("yearly maximum used up", 95.0, [terms(100, max_left=0)], [0.0], [0.0], 95.0),
            ("cents: a third", 100.0, [terms(33.33)], [33.33], [0.0], 66.67),
            ("cents: rounding half up", 0.05, [terms(50)], [0.03], [0.0], 0.02),
            ("secondary covers the primary's remainder", 95.0,
             [terms(80, copay=10), terms(100, key="secondary")], [68.0, 27.0], [0.0, 0.0], 0.0),
            ("secondary with its own co-pay and maximum", 120.0,
             [terms(50), terms(100, copay=5, max_left=50, key="secondary")], [60.0, 50.0], [0.0, 0.0], 10.0),
            ("everything at once", 137.37,
             [terms(70, copay=12.5, deductible_left=20, max_left=60)], [60.0], [20.0], 77.37),
        ]
        for label, price, coverages, payer_amounts, deductibles, client in cases:
            with self.subTest(label):
                payers, client_share = split_price(price, coverages, round_cad)
                self.assertEqual([p["amount"] for p in payers], payer_amounts)
                self.assertEqual([p["deductible"] for p in payers], deductibles)
                self.assertAlmostEqual(client_share, client, places=2)
                # The shares always add up to the price, to the cent.
                self.assertTrue(self.env.company.currency_id.is_zero(
                    sum(p["amount"] for p in payers) + client_share - price
                ))

    def test_deductible_and_maximum_are_yearly_and_follow_what_was_charged(self):
        coverage = self.cover(payer_share=100.0, deductible=150.0, annual_max=100.0)
        # Visit 1 (100): all toward the deductible. Visit 2: 50 more of the deductible, then the
        # payer pays 50. Visit 3: the payer's 50 left of its yearly maximum. Visit 4: nothing left.
        visits = [self.visit(f"2026-03-{day:02d} 14:00") for day in (2, 3, 4, 5)]
        payer_amounts = [sum(v.charge_ids.filtered("is_payer_share").mapped("amount")) for v in visits]
        client_amounts = [sum(v.charge_ids.filtered(lambda c: not c.is_payer_share).mapped("amount")) for v in visits]
        self.assertEqual(payer_amounts, [0.0, 50.0, 50.0, 0.0])
        self.assertEqual(client_amounts, [100.0, 50.0, 50.0, 100.0])
        # A new year starts afresh: deductible again.
        next_year = self.visit("2027-01-05 15:00")
        self.assertEqual(next_year.charge_ids.filtered("is_payer_share").deductible_amount, 100.0)
        # Undoing visit 2 gives its deductible and maximum back to the year.
        visits[1].action_reset_to_booked()
        self.assertEqual(coverage._get_split_terms(date(2026, 6, 1))[0]["deductible_left"], 50.0)
        self.assertEqual(coverage._get_split_terms(date(2026, 6, 1))[0]["max_left"], 50.0)

    def test_invoices_of_a_split_visit(self):
        self.cover(payer_share=80.0, copay=10.0, member_id="M-77")
        visit = self.visit("2026-03-03 14:00")
        payer_line = visit.charge_ids.filtered("is_payer_share").move_line_id
        client_line = visit.charge_ids.filtered(lambda c: not c.is_payer_share).move_line_id
        self.assertEqual((payer_line.move_id.partner_id, payer_line.price_subtotal), (self.insurer, 72.0))
        self.assertEqual((client_line.move_id.partner_id, client_line.price_subtotal), (self.client, 28.0))
        self.assertEqual(payer_line.move_id.move_type, "out_invoice")
        self.assertIn("Jane Client", payer_line.name)
        self.assertIn("Member M-77", payer_line.name)
        self.assertEqual((payer_line | client_line).clinic_appointment_id, visit)
        self.assertEqual(visit.billing_state, "charged")
