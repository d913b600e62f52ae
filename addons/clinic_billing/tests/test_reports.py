from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import BillingCase


@tagged("post_install", "-at_install")
class TestBillingReports(BillingCase):
    """The billing reports read from real visits: completed, invoiced, credited and paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.clinic_invoice_auto_post = True

    @staticmethod
    def payer_move(appointment):
        return appointment.charge_ids.filtered("is_payer_share").move_id

    def pay(self, move, amount, day):
        with freeze_time(day):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids,
            ).create({"amount": amount, "payment_date": day})._create_payments()

    def test_revenue_by_provider_and_payer_after_a_credit_note(self):
        self.cover(payer_share=80.0)
        # Physio 100 (insurer 80, client 20) by Alice and by Bob; a massage 120 (96 / 24) by Alice.
        self.visit("2026-03-02 14:00")
        undone = self.visit("2026-03-03 14:00", provider=self.bob)
        self.visit("2026-03-04 15:00", service=self.massage)
        with freeze_time("2026-03-10 15:00"):
            # Completed by mistake: both shares were posted, so both are credited.
            undone.action_reset_to_booked()
        # A visit whose invoices are still drafts is not revenue yet.
        self.env.company.clinic_invoice_auto_post = False
        draft = self.visit("2026-03-05 14:00", provider=self.bob)
        self.assertEqual(set(draft.charge_ids.move_id.mapped("state")), {"draft"})

        Report = self.env["clinic.revenue.report"].with_user(self.accountant)

        def total(groupby, domain=()):
            return {key: revenue for key, revenue in Report._read_group(list(domain), [groupby], ["revenue:sum"])}

        self.assertEqual(total("provider_id"), {self.alice: 220.0, self.bob: 0.0})
        self.assertEqual(total("debtor_id"), {self.insurer: 176.0, self.client: 44.0})
        self.assertEqual(total("is_payer"), {True: 176.0, False: 44.0})
        self.assertEqual(total("service_id"), {self.physio: 100.0, self.massage: 120.0})
        self.assertEqual(total("location_id"), {self.location: 220.0})
        self.assertEqual(total("date:month"), {date(2026, 3, 1): 220.0})
        credits = Report.search([("move_type", "=", "out_refund")])
        self.assertEqual(
            sorted(credits.mapped(lambda r: (r.debtor_id, r.is_payer, r.revenue, r.quantity, r.date)), key=str),
            sorted([(self.insurer, True, -80.0, -1.0, date(2026, 3, 10)),
                    (self.client, False, -20.0, -1.0, date(2026, 3, 10))], key=str),
        )
        self.assertEqual(credits.appointment_id, undone)
        self.assertEqual(Report._read_group([("provider_id", "=", self.bob.id)], [], ["quantity:sum"])[0][0], 0.0)
        # Posting the draft makes it revenue; clinic managers read the same figures.
        draft.charge_ids.move_id.action_post()
        by_provider = dict(self.env["clinic.revenue.report"].with_user(self.manager)._read_group(
            [], ["provider_id"], ["revenue:sum"]))
        self.assertEqual(by_provider, {self.alice: 220.0, self.bob: 100.0})

    def test_authorization_burndown_after_two_visits_and_a_reversal(self):
        self.cover(payer=self.motor)
        plan = self.authorize(visits=3, date_start=date(2026, 3, 1))
        case_2 = self.env["clinic.case"].create({"title": "Back pain", "partner_id": self.client_2.id,
                                                 "provider_id": self.bob.id})
        untouched = self.authorize(visits=5, name="AUTH-2", case=case_2, payer=self.insurer,
                                   date_start=date(2026, 2, 15))
        first = self.visit("2026-03-02 14:00")
        self.visit("2026-03-04 14:00")
        with freeze_time("2026-03-06 15:00"):
            first.action_reset_to_booked()
        self.assertEqual(plan.visits_used, 1)

        Burndown = self.env["clinic.authorization.burndown"].with_user(self.manager)
        # The authorization's Burn-Down button opens its own rows.
        action = plan.with_user(self.manager).action_view_burndown()
        rows = Burndown.search(action["domain"])
        self.assertEqual(
            [(r.date, r.visits_approved, r.visits_change, r.visits_used, r.visits_remaining, r.amount_used)
             for r in rows],
            [(date(2026, 3, 1), 3, 0, 0, 3, 0.0),
             (date(2026, 3, 2), 3, 1, 1, 2, 100.0),
             (date(2026, 3, 4), 3, 1, 2, 1, 200.0),
             (date(2026, 3, 6), 3, -1, 1, 2, 100.0)],
        )
        self.assertEqual(set(rows.mapped("payer_id")), {self.motor})
        self.assertEqual(set(rows.mapped("partner_id")), {self.client})
        # The other plan starts at what it approves and stays there.
        other = Burndown.search([("authorization_id", "=", untouched.id)])
        self.assertEqual([(r.date, r.visits_used, r.visits_remaining) for r in other], [(date(2026, 2, 15), 0, 5)])
        # Over a month, a plan shows its lowest point, not a sum of the days.
        self.assertEqual(
            Burndown._read_group([("authorization_id", "=", plan.id)], ["date:month"],
                                 ["visits_remaining:min", "visits_used:max", "visits_approved:max"]),
            [(date(2026, 3, 1), 1, 2, 3)],
        )
        self.assertEqual(Burndown._read_group([("payer_id", "=", self.motor.id)], [], ["__count"])[0][0], 4)

    def test_payer_receivables_aged_on_the_day_they_are_read(self):
        self.cover(payer_share=80.0, date_start=date(2025, 1, 1))
        self.insurer.property_payment_term_id = self.env.ref("account.account_payment_term_30days")
        # Physio 100: the insurer owes 80 per visit, 30 days after the visit; the client 20, at once.
        over_90 = self.visit("2025-12-02 15:00")    # due 2026-01-01
        over_60 = self.visit("2026-01-06 15:00")    # due 2026-02-05, 30 paid
        paid = self.visit("2026-02-03 15:00")       # due 2026-03-05, paid
        over_30 = self.visit("2026-02-05 15:00")    # due 2026-03-07
        just_due = self.visit("2026-03-05 15:00")   # due 2026-04-04
        not_due = self.visit("2026-04-20 15:00")    # due 2026-05-20
        self.pay(self.payer_move(over_60), 30.0, date(2026, 3, 1))
        self.pay(self.payer_move(paid), 80.0, date(2026, 3, 2))

        Report = self.env["clinic.payer.receivable"].with_user(self.accountant)
        with freeze_time("2026-05-04 12:00"):
            rows = Report.search([])
            self.assertEqual(rows.partner_id, self.insurer, "clients' own balances are not a payer's")
            self.assertEqual(
                {r.move_id: (r.date_maturity, r.days_overdue, r.aging, r.amount_residual) for r in rows},
                {self.payer_move(over_90): (date(2026, 1, 1), 123, "over_90", 80.0),
                 self.payer_move(over_60): (date(2026, 2, 5), 88, "61_90", 50.0),
                 self.payer_move(over_30): (date(2026, 3, 7), 58, "31_60", 80.0),
                 self.payer_move(just_due): (date(2026, 4, 4), 30, "1_30", 80.0),
                 self.payer_move(not_due): (date(2026, 5, 20), 0, "not_due", 80.0)},
            )
            pivot = dict(Report._read_group([], ["aging"], ["amount_residual:sum"]))
            self.assertEqual(pivot, {"not_due": 80.0, "1_30": 80.0, "31_60": 80.0, "61_90": 50.0, "over_90": 80.0})
        # A day later the same items are a day older: the 30-day one moves to 31-60.
        with freeze_time("2026-05-05 12:00"):
            pivot = dict(Report._read_group([], ["aging"], ["amount_residual:sum"]))
            self.assertEqual(pivot, {"not_due": 80.0, "31_60": 160.0, "61_90": 50.0, "over_90": 80.0})
        # Reception staff do not see the accounts receivable.
        with self.assertRaises(AccessError):
            self.env["clinic.payer.receivable"].with_user(self.frontdesk).search([])
