from datetime import date, datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBillingTours(HttpCase):
    """Billing as the front desk meets it in the browser, followed by a check of the database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        # Invoices per visit, as a clinic that bills as it goes (the demo bills payers by month).
        company.clinic_payer_invoice_grouping = "visit"
        if not cls.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)]):
            cls.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        cls.frontdesk = new_test_user(cls.env, "tour_bill_desk", password="tour_bill_desk_pw", tz="UTC",
                                      groups="clinic_scheduling.group_clinic_frontdesk")
        calendar = cls.env["resource.calendar"].create({
            "name": "Every day 0-24 (billing tour)", "tz": "UTC",
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 24})
                               for d in range(7)],
        })
        cls.location = cls.env["clinic.location"].create({"name": "Tour Billing", "tz": "UTC", "sequence": -3})
        product = cls.env["product.product"].create({"name": "Tour visit", "type": "service", "list_price": 100.0,
                                                     "taxes_id": [Command.clear()]})
        cls.service = cls.env["clinic.service"].create({"name": "Tour Billed Physio", "duration": 30,
                                                        "product_id": product.id})
        cls.provider = cls.env["clinic.provider"].create({
            "name": "Billing Provider", "resource_calendar_id": calendar.id, "tz": "UTC",
            "service_ids": [Command.set(cls.service.ids)], "location_ids": [Command.set(cls.location.ids)],
        })
        cls.insurer = cls.env["res.partner"].create({"name": "Tour Insurance", "is_company": True,
                                                     "clinic_is_payer": True})
        cls.client = cls.env["res.partner"].create({"name": "Auth Client", "clinic_client": True})
        cls.env["clinic.coverage"].create({"partner_id": cls.client.id, "payer_id": cls.insurer.id,
                                           "policy_number": "T-1", "payer_share": 80.0, "copay": 10.0,
                                           "date_start": date(2020, 1, 1)})
        cls.case = cls.env["clinic.case"].create({"title": "Tour knee", "partner_id": cls.client.id})
        cls.plan = cls.env["clinic.authorization"].create({
            "name": "TOUR-AUTH", "case_id": cls.case.id, "payer_id": cls.insurer.id, "visits_approved": 3,
            "date_start": date(2020, 1, 1), "date_end": date(2040, 12, 31),
        })

    def test_visit_tour(self):
        tomorrow = datetime.combine(fields.Date.today(), time.min) + timedelta(days=1)
        visit = self.env["clinic.appointment"].create({
            "partner_id": self.client.id, "service_id": self.service.id, "provider_id": self.provider.id,
            "location_id": self.location.id, "case_id": self.case.id, "start": tomorrow + timedelta(hours=10),
        })
        self.start_tour("/odoo/action-clinic_scheduling.clinic_day_view_action", "clinic_billing_visit",
                        login="tour_bill_desk")
        self.assertEqual(visit.state, "booked")
        self.assertEqual(visit.charge_ids.mapped("state"), ["reversed", "reversed"])
        self.assertEqual(sorted(visit.charge_ids.mapped("amount")), [28.0, 72.0])
        self.assertEqual((self.plan.visits_used, self.plan.visits_scheduled), (0, 1))
        self.assertEqual(sorted(self.plan.usage_ids.mapped("visits")), [-1, 1])
        invoices = visit.charge_ids.move_id
        self.assertEqual(invoices.partner_id, self.insurer | self.client)
        self.assertEqual(set(invoices.mapped("state")), {"cancel"}, "the emptied drafts are cancelled")
