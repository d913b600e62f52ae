from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoClinic(TransactionCase):
    """The demo (all four addons, as `make demo` builds it) looks like a real clinic: a named
    practice, real prices, and staff who hold only the rights of their role."""

    def test_a_named_clinic_with_an_address_and_a_logo(self):
        self.assertTrue(self.env.ref("clinic_portal.appointment_portal_physio_demo"), "demo data is installed")
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "Capital Physio & Wellness")
        self.assertEqual((company.city, company.country_id.code), ("Ottawa", "CA"))
        self.assertTrue(company.logo)
        website = self.env.ref("website.default_website")
        self.assertEqual((website.name, website.logo), (company.name, company.logo), "not 'YourLogo'")

    def test_the_portal_client_is_a_private_person(self):
        client = self.env.ref("base.partner_demo_portal")
        self.assertEqual(client.display_name, "Joel Willis", "not 'YourCompany, Joel Willis'")
        self.assertEqual(client.city, "Ottawa")

    def test_every_service_has_a_price(self):
        services = self.env["clinic.service"].search([("id", "in", [
            self.env.ref(f"clinic_scheduling.service_{key}_demo").id for key in (
                "physio_initial", "physio_followup", "rehab_gym", "massage_60", "massage_90", "chiro_initial",
                "chiro_adjust", "counsel_intake", "counsel_session", "counsel_virtual")
        ])])
        self.assertEqual(len(services), 10)
        self.assertFalse(services.filtered(lambda s: s.list_price <= 0), "no 0.00 price")

    def test_demo_staff_hold_only_their_role(self):
        staff = {
            "clinic_scheduling.user_frontdesk_demo": "clinic_scheduling.group_clinic_frontdesk",
            "clinic_scheduling.user_provider_demo": "clinic_scheduling.group_clinic_provider",
            "clinic_scheduling.user_manager_demo": "clinic_scheduling.group_clinic_manager",
        }
        too_much = ("account.group_account_manager", "account.group_account_invoice", "website.group_website_designer",
                    "website.group_website_restricted_editor", "base.group_sanitize_override", "base.group_system",
                    "base.group_erp_manager")
        day_view = self.env.ref("clinic_scheduling.clinic_day_view_action")
        for xmlid, role in staff.items():
            user = self.env.ref(xmlid)
            self.assertTrue(user.has_group(role), xmlid)
            for group in too_much:
                self.assertFalse(user.has_group(group), f"{user.login} holds {group}")
            self.assertEqual(user.action_id.id, day_view.id, f"{user.login} opens Odoo on the day view")

    def test_the_manager_is_not_a_provider(self):
        manager = self.env.ref("clinic_scheduling.user_manager_demo")
        self.assertFalse(self.env["clinic.provider"].with_context(active_test=False).search(
            [("user_id", "=", manager.id)]))

    def test_a_service_booked_online_asks_for_consent(self):
        """The demo shows the consent step of /book: a first physiotherapy visit, open to new
        clients online, asks for the dry needling consent; Joel Willis, whose consent is still
        waiting for his signature, is asked too."""
        service = self.env.ref("clinic_scheduling.service_physio_initial_demo")
        needling = self.env.ref("clinic_charting.form_template_dry_needling_demo")
        self.assertTrue(service.online_bookable and service.new_clients_allowed and service.online_consent_asked)
        self.assertEqual(service._clinic_online_consents(), needling, "not the intake form: it is not a consent")
        location = self.env.ref("clinic_scheduling.location_riverside_demo")
        joel = self.env.ref("base.partner_demo_portal")
        self.assertEqual(service._clinic_online_consents(joel, location), needling)
        self.assertFalse(self.env.ref("clinic_scheduling.service_massage_60_demo").online_consent_asked)
