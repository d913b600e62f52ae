from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCoverage(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.frontdesk = new_test_user(cls.env, "t_billing_desk", groups="clinic_scheduling.group_clinic_frontdesk")
        cls.provider_user = new_test_user(cls.env, "t_billing_prov", groups="clinic_scheduling.group_clinic_provider")
        cls.client = cls.env["res.partner"].create({"name": "Ana Client", "clinic_client": True})
        cls.other_client = cls.env["res.partner"].create({"name": "Ben Client", "clinic_client": True})
        cls.insurer = cls.env["res.partner"].create(
            {"name": "Acme Insurance", "is_company": True, "clinic_is_payer": True})
        cls.Coverage = cls.env["clinic.coverage"].with_user(cls.frontdesk)

    def cover(self, partner, start, end=None, priority="1", policy="P-1"):
        return self.Coverage.create({
            "partner_id": partner.id, "payer_id": self.insurer.id, "policy_number": policy,
            "priority": priority, "date_start": start, "date_end": end,
        })

    def test_coverage_in_force_on_a_date(self):
        old = self.cover(self.client, date(2025, 1, 1), date(2025, 12, 31), policy="OLD")
        new = self.cover(self.client, date(2026, 1, 1), policy="NEW")
        secondary = self.cover(self.client, date(2025, 6, 1), date(2026, 6, 30), priority="2", policy="SEC")
        found = self.env["clinic.coverage"]._get_coverages(self.client | self.other_client, date(2026, 3, 1))
        self.assertEqual(found[self.client], new | secondary)
        self.assertEqual(found[self.client][0], new, "primary first")
        self.assertFalse(found[self.other_client])
        self.assertEqual(self.env["clinic.coverage"]._get_coverages(self.client, date(2025, 3, 1))[self.client], old)
        self.assertEqual(self.client.clinic_coverage_count, 3)

    def test_two_primaries_at_once_are_refused(self):
        self.cover(self.client, date(2026, 1, 1), date(2026, 12, 31))
        with self.assertRaises(ValidationError) as caught:
            self.cover(self.client, date(2026, 6, 1), policy="P-2")
        self.assertIn("already has a Primary coverage", str(caught.exception))
        # Back to back is fine, and another client is unaffected.
        following = self.cover(self.client, date(2027, 1, 1), policy="P-3")
        others = self.cover(self.other_client, date(2026, 6, 1))
        Coverage = self.env["clinic.coverage"]
        self.assertEqual(Coverage._get_coverages(self.client, date(2026, 12, 31))[self.client].policy_number, "P-1")
        self.assertEqual(Coverage._get_coverages(self.client, date(2027, 1, 1))[self.client], following)
        self.assertEqual(Coverage._get_coverages(self.other_client, date(2026, 6, 1))[self.other_client], others)

    def test_end_before_start_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.cover(self.client, date(2026, 6, 1), date(2026, 5, 1))
        self.assertIn("cannot end before it starts", str(caught.exception))

    def test_providers_read_but_do_not_edit_coverage(self):
        coverage = self.cover(self.client, date(2026, 1, 1))
        self.assertEqual(coverage.with_user(self.provider_user).policy_number, "P-1")
        with self.assertRaises(AccessError):
            coverage.with_user(self.provider_user).write({"policy_number": "X"})
        plain = new_test_user(self.env, "t_billing_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            coverage.with_user(plain).read(["policy_number"])

    def test_only_a_payer_pays(self):
        stranger = self.env["res.partner"].create({"name": "Corner Shop", "is_company": True})
        with self.assertRaises(ValidationError) as caught:
            self.Coverage.create({"partner_id": self.client.id, "payer_id": stranger.id, "policy_number": "Z",
                                  "date_start": date(2026, 1, 1)})
        self.assertIn("is not a payer", str(caught.exception))
        for values, message in (({"payer_share": 120.0}, "between 0 and 100"), ({"copay": -5.0}, "cannot be negative")):
            with self.assertRaises(ValidationError) as caught:
                self.cover(self.client, date(2026, 1, 1)).write(values)
            self.assertIn(message, str(caught.exception))
