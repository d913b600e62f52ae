from datetime import date

from odoo.tests import tagged

from odoo.addons.clinic_scheduling.tests.common import MultiCompanyCase


@tagged("post_install", "-at_install")
class TestCoverageMultiCompany(MultiCompanyCase):

    def test_coverages(self):
        insurer = self.env["res.partner"].create(
            {"name": "Acme Insurance", "is_company": True, "clinic_is_payer": True})
        Coverage = self.env["clinic.coverage"]
        values = {"payer_id": insurer.id, "date_start": date(2026, 1, 1)}
        ours = Coverage.create(dict(values, partner_id=self.client.id, policy_number="MAIN-1"))
        theirs = Coverage.create(dict(values, partner_id=self.client_2.id, policy_number="WEST-1",
                                      company_id=self.company_b.id))
        self.assertSeesOnlyItsCompany(self.desk_b, theirs, ours)

    def test_a_plan_or_package_of_another_company_is_not_used(self):
        insurer = self.env["res.partner"].create(
            {"name": "Shared Insurance", "is_company": True, "clinic_is_payer": True})
        case_b = self.env["clinic.case"].create({"title": "West case", "partner_id": self.client.id,
                                                 "company_id": self.company_b.id})
        plan_b = self.env["clinic.authorization"].create({
            "name": "WEST-AUTH", "case_id": case_b.id, "payer_id": insurer.id, "visits_approved": 5,
            "date_start": date(2026, 1, 1), "date_end": date(2026, 12, 31),
        })
        # The same client at the main company's clinic: Westside's plan is not theirs to use here.
        # Westside's visit of this client, booked before the plan was entered, falls under it.
        self.assertEqual(self.appointment_b.authorization_id, plan_b)
        ours = self.book("2026-03-03 14:00")
        self.assertFalse(ours.authorization_id)
        self.assertEqual(plan_b.visits_scheduled, 1)
        theirs = self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": self.service_b.id, "provider_id": self.provider_b.id,
            "location_id": self.location_b.id, "start": date(2026, 3, 4).strftime("%Y-%m-%d 15:00:00"),
        })
        self.assertEqual((theirs.authorization_id, plan_b.visits_scheduled), (plan_b, 2))
        self.assertSeesOnlyItsCompany(self.desk_b, plan_b, self.env["clinic.authorization"].create({
            "name": "MAIN-AUTH", "case_id": self.env["clinic.case"].create(
                {"title": "Main case", "partner_id": self.client.id}).id,
            "payer_id": insurer.id, "visits_approved": 5, "date_start": date(2026, 1, 1),
            "date_end": date(2026, 12, 31),
        }))
