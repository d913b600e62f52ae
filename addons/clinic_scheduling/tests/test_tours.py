from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFrontDeskTours(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.frontdesk = new_test_user(cls.env, "tour_desk", password="tour_desk_pw", tz="UTC",
                                      groups="clinic_scheduling.group_clinic_frontdesk")
        calendar = cls.env["resource.calendar"].create({
            "name": "Every day 0-24 (tour)", "tz": "UTC",
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 23.99})
                               for d in range(7)],
        })
        location = cls.env["clinic.location"].create({"name": "Tour Clinic", "tz": "UTC"})
        service = cls.env["clinic.service"].create({"name": "Tour Physio", "duration": 30})
        cls.provider = cls.env["clinic.provider"].create({
            "name": "Tour Provider", "resource_calendar_id": calendar.id, "tz": "UTC",
            "service_ids": [Command.set(service.ids)], "location_ids": [Command.set(location.ids)],
        })
        # Today is fully taken (whatever the hour the test runs at): the wizard must page to tomorrow.
        today = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        cls.env["resource.calendar.leaves"].create({
            "name": "Busy today", "resource_id": cls.provider.resource_id.id,
            "date_from": today, "date_to": today + timedelta(days=1),
        })
        cls.client = cls.env["res.partner"].create({
            "name": "Tour Client", "clinic_client": True, "clinic_alert": "Tour alert: uses a cane",
        })

    def test_booking_wizard_tour(self):
        before = fields.Datetime.now()
        self.start_tour(f"/odoo/contacts/{self.client.id}", "clinic_booking_wizard", login="tour_desk")
        appointment = self.env["clinic.appointment"].search([("partner_id", "=", self.client.id)])
        self.assertEqual(len(appointment), 1)
        self.assertEqual(appointment.provider_id, self.provider)
        self.assertGreaterEqual(appointment.start, before)
        self.assertLess(appointment.start, before + timedelta(days=2), "the next day with free time")
