from datetime import date, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import BillingCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestAuthorization(BillingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cover_motor = cls.env["clinic.coverage"].create({
            "partner_id": cls.client.id, "payer_id": cls.motor.id, "policy_number": "CLAIM-9",
            "date_start": date(2026, 1, 1), "payer_share": 100.0,
        })

    def slot(self, start, provider=None, service=None):
        """The engine's slot of ``service`` starting at ``start`` (naive UTC) with ``provider``."""
        service = service or self.physio
        start = self.at(start)
        slots = service._get_available_slots(start, start + timedelta(minutes=1),
                                              provider_ids=(provider or self.alice).ids, location_id=self.location.id)
        self.assertTrue(slots, "the test books a free slot")
        return slots[0]

    def book_slot(self, start, case=None, **kwargs):
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        return Appointment._book_slot(self.physio, self.slot(start, **kwargs), self.client,
                                      case_id=(case or self.case).id)

    def test_booking_counts_and_shows_what_is_left(self):
        plan = self.authorize(visits=3)
        first = self.book_slot("2026-03-03 14:00")
        self.assertEqual(first.authorization_id, plan)
        self.assertEqual((plan.visits_scheduled, plan.visits_remaining), (1, 2))
        insight = next(i for i in first._get_booking_insights() if i["code"] == "authorization")
        self.assertIn("2 of 3 visits left after this one", insight["message"])
        # The booking wizard shows what is left once another visit is booked.
        wizard = self.env["clinic.booking.wizard"].with_user(self.frontdesk).create({
            "partner_id": self.client.id, "service_id": self.physio.id, "case_id": self.case.id,
            "location_id": self.location.id, "provider_id": self.alice.id, "day": date(2026, 3, 4),
        })
        self.assertIn("AUTH-1", wizard.insights_html)
        self.assertIn("1 of 3 visits left after this one", wizard.insights_html)
        # The front desk's day view shows it on the card.
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        data = Appointment.get_day_view_data("2026-03-03", self.location.id)
        card = next(c for c in data["appointments"] if c["id"] == first.id)
        self.assertEqual(card["badges"][0]["label"], "Auth 2/3")
        # Completing uses the visit (booked becomes used); cancelling gives a booked one back.
        second = self.book_slot("2026-03-04 14:00")
        self.complete(first)
        self.assertEqual((plan.visits_used, plan.visits_scheduled, plan.visits_remaining), (1, 1, 1))
        with freeze_time("2026-03-03 12:00:00"):
            second.with_user(self.frontdesk).action_cancel(self.reason_clinic)
        self.assertEqual((plan.visits_used, plan.visits_scheduled, plan.visits_remaining), (1, 0, 2))
        self.assertEqual(plan.usage_ids.mapped("visits"), [1])

    def test_a_blocking_payer_refuses_visits_beyond_the_plan(self):
        plan = self.authorize(visits=2)
        self.book_slot("2026-03-03 14:00")
        self.book_slot("2026-03-04 14:00")
        self.assertEqual(plan.visits_remaining, 0)
        with self.assertRefused(UserError, r"AUTH-1 \(Road Insurance\) is used up: 0 used and 2 booked of 2"):
            self.book_slot("2026-03-05 14:00")
        # Past its end date it is refused too, with the dates.
        plan.visits_approved = 5
        with self.assertRefused(UserError, "not valid on that day"):
            with freeze_time("2026-12-30 12:00:00"):
                self.env["clinic.appointment"].with_user(self.frontdesk)._book_slot(
                    self.physio, self.slot("2027-01-05 15:00"), self.client, case_id=self.case.id)
        self.assertEqual(plan.visits_scheduled, 2, "nothing was booked by the refusals")

    def test_a_warning_payer_lets_the_booking_through_with_a_warning(self):
        self.motor.clinic_authorization_policy = "warn"
        plan = self.authorize(visits=1)
        self.book_slot("2026-03-03 14:00")
        over = self.book_slot("2026-03-04 14:00")
        self.assertEqual(over.authorization_id, plan)
        insight = next(i for i in over._get_booking_insights() if i["code"] == "authorization_exceeded")
        self.assertEqual(insight["level"], "warning")

    def test_the_plan_follows_case_service_and_dates(self):
        plan = self.authorize(visits=3, service_ids=[(6, 0, self.physio.ids)])
        other_case = self.env["clinic.case"].create({"title": "Shoulder", "partner_id": self.client.id})
        self.assertFalse(self.book("2026-03-03 14:00", service=self.massage, provider=self.bob, room=self.room_2,
                                   case_id=self.case.id).authorization_id)
        self.assertFalse(self.book("2026-03-03 15:00", case_id=other_case.id).authorization_id)
        self.assertEqual(self.book("2026-03-03 16:00", case_id=self.case.id).authorization_id, plan)
        # Without a case, the client's plan for the service applies.
        self.assertEqual(self.book("2026-03-03 17:00").authorization_id, plan)
        # Nobody books a visit on another client's plan.
        with self.assertRefused(ValidationError, "is Jane Client's, not John Client's"):
            self.book("2026-03-05 14:00", partner=self.client_2, authorization_id=plan.id)
        # A renewal starting later takes over once the first is used up.
        renewal = self.authorize(visits=5, name="AUTH-2", date_start=date(2026, 3, 1))
        plan.visits_approved = 2
        self.assertEqual(self.book("2026-03-04 14:00", case_id=self.case.id).authorization_id, renewal)

    def test_no_show_uses_a_visit_when_the_payer_counts_them_and_reset_gives_it_back(self):
        plan = self.authorize(visits=3)
        missed = self.book("2026-03-02 14:00", case_id=self.case.id)
        with freeze_time("2026-03-02 15:00:00"):
            missed.action_no_show()
        self.assertEqual(plan.visits_used, 1)
        self.assertEqual(plan.usage_ids.kind, "no_show")
        fee = missed.charge_ids
        self.assertEqual((fee.kind, fee.debtor_id, fee.amount), ("no_show", self.client, 40.0))
        missed.action_reset_to_booked()
        self.assertEqual(plan.visits_used, 0)
        self.assertEqual(sorted(plan.usage_ids.mapped("visits")), [-1, 1], "a reversing line, nothing deleted")
        self.assertEqual(fee.state, "reversed")
        # A payer that does not count no-shows keeps its visit.
        self.motor.clinic_counts_no_show = False
        with freeze_time("2026-03-02 15:00:00"):
            missed.action_no_show()
        self.assertEqual(plan.visits_used, 0)

    def test_an_exhausted_plan_bills_the_client_and_says_so(self):
        plan = self.authorize(visits=1)
        first = self.book("2026-03-02 14:00", case_id=self.case.id)
        second = self.book("2026-03-02 15:00", case_id=self.case.id)
        self.complete(first)
        payer_share = first.charge_ids.filtered("is_payer_share")
        self.assertEqual(payer_share.amount, 100.0)
        self.assertEqual(payer_share.move_line_id.clinic_case_id, self.case)
        self.assertEqual(payer_share.move_line_id.clinic_authorization_id, plan)
        self.assertIn("Authorization AUTH-1", payer_share.move_line_id.name)
        self.complete(second)
        self.assertEqual(plan.visits_used, 1)
        self.assertEqual(second.charge_ids.debtor_id, self.client)
        self.assertIn("pays only under an authorization", second.message_ids[0].body)
        self.assertEqual(plan.state, "exhausted")
        self.assertIn(plan, self.env["clinic.authorization"].search([("state", "=", "exhausted")]))
        self.assertNotIn(plan, self.env["clinic.authorization"].search([("state", "=", "active")]))

    def test_approved_amount_caps_the_payer(self):
        plan = self.authorize(visits=0, amount_approved=150.0)
        first = self.visit("2026-03-02 14:00", case_id=self.case.id)
        second = self.visit("2026-03-02 15:00", case_id=self.case.id)
        self.assertEqual(first.charge_ids.filtered("is_payer_share").amount, 100.0)
        self.assertEqual(second.charge_ids.filtered("is_payer_share").amount, 50.0)
        self.assertEqual(second.charge_ids.filtered(lambda c: not c.is_payer_share).amount, 50.0)
        self.assertEqual((plan.amount_used, plan.amount_remaining, plan.state), (150.0, 0.0, "exhausted"))

    def test_the_provider_is_asked_once_to_reassess(self):
        self.env.company.clinic_reassess_visits = 1
        plan = self.authorize(visits=3)
        self.visit("2026-03-02 14:00", case_id=self.case.id)
        self.assertFalse(plan.activity_ids, "2 left: not yet")
        self.visit("2026-03-02 15:00", case_id=self.case.id)
        self.assertEqual(plan.activity_ids.user_id, self.provider_user, "the case's provider")
        self.assertIn("Reassess or renew", plan.activity_ids.summary)
        self.env["clinic.authorization"]._cron_request_reassessment()
        self.visit("2026-03-02 16:00", case_id=self.case.id)
        self.assertEqual(len(plan.activity_ids), 1, "never twice")
        # A renewal (more visits) re-arms it; expiry near asks too, from the daily job.
        plan.visits_approved = 10
        self.assertFalse(plan.reassess_requested)
        with freeze_time("2026-12-20 12:00:00"):
            self.env["clinic.authorization"]._cron_request_reassessment()
        self.assertTrue(plan.reassess_requested)
        self.assertEqual(len(plan.activity_ids), 2)

    def test_visits_booked_before_the_plan_was_entered_fall_under_it(self):
        visits = self.book_slot("2026-03-03 14:00") | self.book_slot("2026-03-04 14:00")
        self.assertFalse(visits.authorization_id)
        plan = self.authorize(visits=2)
        self.assertEqual(visits.authorization_id, plan)
        self.assertEqual((plan.visits_scheduled, plan.visits_remaining), (2, 0))
        # Once used, what the plan is for does not change.
        self.complete(visits[0])
        other_case = self.env["clinic.case"].create({"title": "Other", "partner_id": self.client.id})
        with self.assertRefused(UserError, "stay as they were"):
            plan.with_user(self.frontdesk).write({"case_id": other_case.id})

    def test_plan_validation(self):
        with self.assertRefused(ValidationError, "number of visits, an amount, or both"):
            self.authorize(visits=0)
        with self.assertRefused(ValidationError, "cannot end before it starts"):
            self.authorize(date_end=date(2025, 1, 1))
        stranger = self.env["res.partner"].create({"name": "Not A Payer", "is_company": True})
        with self.assertRefused(ValidationError, "is not a payer"):
            self.authorize(payer=stranger)
        plan = self.authorize()
        self.visit("2026-03-02 14:00", case_id=self.case.id)
        with self.assertRefused(UserError, "archive it"):
            plan.unlink()
        with self.assertRefused(UserError, "changes only when visits are completed or undone"):
            plan.with_user(self.frontdesk).write({"visits_used": 0})
        with self.assertRefused(UserError, "starts with nothing used"):
            self.env["clinic.authorization"].with_user(self.frontdesk).create({
                "name": "AUTH-9", "case_id": self.case.id, "payer_id": self.motor.id, "visits_approved": 3,
                "date_end": date(2026, 12, 31), "visits_used": 2,
            })
