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
