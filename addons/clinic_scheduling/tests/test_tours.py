from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFrontDeskTours(HttpCase):
    """The front desk's everyday gestures in the browser, each followed by a check of the database.

    Everything is in UTC (locations, users, working hours 0-24 every day) so that the tours can
    compute the days they type; the appointments are tomorrow, whatever the hour the test runs at.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.frontdesk = new_test_user(cls.env, "tour_desk", password="tour_desk_pw", tz="UTC",
                                      groups="clinic_scheduling.group_clinic_frontdesk")
        cls.provider_user = new_test_user(cls.env, "tour_provider", password="tour_provider_pw", tz="UTC",
                                          groups="clinic_scheduling.group_clinic_provider")
        calendar = cls.env["resource.calendar"].create({
            "name": "Every day 0-24 (tour)", "tz": "UTC",
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 24})
                               for d in range(7)],
        })
        # First in the day view's location list (the demo's locations have sequences 1 and 2).
        cls.north, cls.south = cls.env["clinic.location"].create([
            {"name": "Tour North", "tz": "UTC", "sequence": -2},
            {"name": "Tour South", "tz": "UTC", "sequence": -1},
        ])
        cls.service = cls.env["clinic.service"].create({"name": "Tour Physio", "duration": 30})
        cls.long_service = cls.env["clinic.service"].create({"name": "Tour Long Session", "duration": 60})
        services = [Command.set((cls.service | cls.long_service).ids)]
        cls.provider, cls.second, cls.south_provider = cls.env["clinic.provider"].create([
            {"name": "Day Provider", "user_id": cls.provider_user.id, "resource_calendar_id": calendar.id,
             "tz": "UTC", "service_ids": services, "location_ids": [Command.set(cls.north.ids)]},
            {"name": "Second Provider", "resource_calendar_id": calendar.id, "tz": "UTC",
             "service_ids": services, "location_ids": [Command.set(cls.north.ids)]},
            {"name": "South Provider", "resource_calendar_id": calendar.id, "tz": "UTC",
             "service_ids": services, "location_ids": [Command.set(cls.south.ids)]},
        ])
        cls.today = datetime.combine(fields.Date.today(), time.min)
        cls.tomorrow = cls.today + timedelta(days=1)

    def book(self, name, provider, hour, service=None, location=None):
        partner = self.env["res.partner"].create({"name": name})
        return self.env["clinic.appointment"].create({
            "partner_id": partner.id, "service_id": (service or self.service).id, "provider_id": provider.id,
            "location_id": (location or self.north).id, "start": self.tomorrow + timedelta(hours=hour),
        })

    def test_day_view_tour(self):
        checked_in = self.book("Day Client", self.provider, 10)  # 30 minutes: a compact card
        cancelled = self.book("Cancel Client", self.second, 14, self.long_service)
        moved = self.book("Move Client", self.second, 10, self.long_service)
        south = self.book("South Client", self.south_provider, 9, location=self.south)
        self.start_tour("/odoo/action-clinic_scheduling.clinic_day_view_action", "clinic_day_view", login="tour_desk")
        self.assertEqual(checked_in.state, "in_session")
        self.assertTrue(checked_in.arrived_at)
        self.assertEqual(cancelled.state, "cancelled")
        self.assertEqual(cancelled.cancel_reason_id, self.env.ref("clinic_scheduling.cancel_reason_client_request"))
        self.assertEqual(moved.start, self.tomorrow + timedelta(hours=12), "dragged from 10:00 to 12:00")
        self.assertEqual((moved.stop - moved.start), timedelta(hours=1))
        self.assertEqual(south.state, "booked")

    def test_booking_wizard_tour(self):
        # Today is fully taken for both providers: the wizard must page to tomorrow.
        self.env["resource.calendar.leaves"].create([{
            "name": "Busy today", "resource_id": provider.resource_id.id,
            "date_from": self.today, "date_to": self.tomorrow,
        } for provider in (self.provider, self.second)])
        self.start_tour("/odoo", "clinic_booking_wizard", login="tour_desk")
        client = self.env["res.partner"].search([("name", "=", "Nadia Newclient")])
        self.assertEqual(len(client), 1)
        self.assertEqual((client.birthdate, client.is_company), (fields.Date.to_date("1990-04-12"), False))
        self.assertIn("613-555-0199", client.phone)
        appointment = self.env["clinic.appointment"].search([("partner_id", "=", client.id)])
        self.assertEqual(len(appointment), 1)
        self.assertEqual(appointment.provider_id, self.second)
        self.assertEqual(appointment.start, self.today + timedelta(days=2), "the typed day, first free time")
        self.assertTrue(client.clinic_client)

    def test_blocked_time_tour(self):
        self.start_tour("/odoo/action-clinic_scheduling.clinic_blocked_time_action", "clinic_blocked_time",
                        login="tour_desk")
        leave = self.env["resource.calendar.leaves"].search([("name", "=", "Team meeting")])
        self.assertEqual(leave.resource_id, self.provider.resource_id)
        self.assertEqual(leave.time_type, "other")
        self.assertEqual((leave.date_from, leave.date_to),
                         (self.tomorrow + timedelta(hours=14), self.tomorrow + timedelta(hours=15)))
