from datetime import date, datetime

from odoo.tests import freeze_time

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.clinic_scheduling.tests.common import ClinicCase


class BillingCase(ClinicCase, AccountTestInvoicingCommon):
    """The scheduling test clinic in a company with a chart of accounts, services with prices, two
    payers and a client with a case file."""

    @classmethod
    def setup_independent_user(cls):
        # Set up as the superuser, as the scheduling tests do; the tests act as the clinic's users.
        return None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.env["res.users"].create({
            "name": "Acc Ountant", "login": "t_accountant",
            "groups_id": [(6, 0, [cls.env.ref("account.group_account_invoice").id, cls.env.ref("base.group_user").id])],
        })
        Product = cls.env["product.product"]
        cls.physio_product = Product.create({"name": "Physio visit", "type": "service", "list_price": 100.0,
                                             "taxes_id": [(5, 0, 0)]})
        cls.massage_product = Product.create({"name": "Massage 60", "type": "service", "list_price": 120.0,
                                              "taxes_id": [(5, 0, 0)]})
        cls.no_show_fee = Product.create({"name": "No-show fee", "type": "service", "list_price": 40.0,
                                          "taxes_id": [(5, 0, 0)]})
        cls.late_fee = Product.create({"name": "Late-cancel fee", "type": "service", "list_price": 25.0,
                                       "taxes_id": [(5, 0, 0)]})
        cls.physio.write({"product_id": cls.physio_product.id, "no_show_product_id": cls.no_show_fee.id,
                          "late_cancel_product_id": cls.late_fee.id})
        cls.massage.product_id = cls.massage_product
        Partner = cls.env["res.partner"]
        cls.insurer = Partner.create({"name": "Sun Mutual", "is_company": True, "clinic_is_payer": True})
        cls.motor = Partner.create({
            "name": "Road Insurance", "is_company": True, "clinic_is_payer": True, "clinic_payer_kind": "motor",
            "clinic_requires_authorization": True, "clinic_authorization_policy": "block",
            "clinic_counts_no_show": True,
        })
        cls.case = cls.env["clinic.case"].create({"title": "Whiplash", "partner_id": cls.client.id,
                                                  "provider_id": cls.alice.id})

    def cover(self, payer=None, partner=None, **values):
        return self.env["clinic.coverage"].create(dict({
            "partner_id": (partner or self.client).id, "payer_id": (payer or self.insurer).id,
            "policy_number": "POL-1", "date_start": date(2026, 1, 1),
        }, **values))

    def authorize(self, visits=3, payer=None, case=None, **values):
        return self.env["clinic.authorization"].create(dict({
            "name": "AUTH-1", "case_id": (case or self.case).id, "payer_id": (payer or self.motor).id,
            "visits_approved": visits, "date_start": date(2026, 1, 1), "date_end": date(2026, 12, 31),
        }, **values))

    def complete(self, appointment, when=None):
        """Check the client in and complete the visit, as at the end of it."""
        with freeze_time(when or appointment.stop):
            appointment.action_arrive()
            appointment.action_done()
        return appointment

    def visit(self, start, **values):
        """A visit booked and completed (start: naive UTC 'YYYY-MM-DD HH:MM')."""
        return self.complete(self.book(start, **values))

    @staticmethod
    def at(text):
        return datetime.strptime(text, "%Y-%m-%d %H:%M")
