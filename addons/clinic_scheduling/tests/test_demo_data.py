from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoClinic(TransactionCase):
    """The demo clinic is what integrators and clients see first: it must look like a real one."""

    def test_demo_providers_work_different_hours_at_their_locations(self):
        module = self.env["ir.module.module"].search([("name", "=", "clinic_scheduling")])
        self.assertTrue(module.demo, "make test installs the addons with their demo data")
        providers = self.env["clinic.provider"].search([("id", "in", [
            self.env.ref(f"clinic_scheduling.provider_{name}_demo").id
            for name in ("maya", "omar", "lucie", "ben", "priya", "jonas", "grace", "tom")
        ])])
        self.assertEqual(len(providers), 8)
        self.assertGreaterEqual(len(providers.resource_calendar_id), 5, "five different weekly schedules")
        self.assertTrue(all(a.clinic_location_id for a in providers.resource_calendar_id.attendance_ids))
        locations = self.env["clinic.location"].search([])
        self.assertEqual(len(locations.filtered(lambda loc: loc.tz == "America/Toronto")), 2)
