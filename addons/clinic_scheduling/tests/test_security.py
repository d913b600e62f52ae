from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestAccess(ClinicCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls.book(cls, "2026-03-03 14:00")
        cls.bobs = cls.book(cls, "2026-03-03 14:00", provider=cls.bob, room=cls.room_2, partner=cls.client_2)

    def test_front_desk_books_and_moves_but_does_not_configure(self):
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        booked = Appointment.create({
            "partner_id": self.client.id, "service_id": self.talk.id, "provider_id": self.carol.id,
            "location_id": self.location.id, "start": datetime(2026, 3, 4, 15, 0),
        })
        booked.write({"start": datetime(2026, 3, 4, 16, 0)})
        self.assertEqual((booked.start, booked.stop), (datetime(2026, 3, 4, 16, 0), datetime(2026, 3, 4, 16, 50)))
        self.bobs.with_user(self.frontdesk).write({"notes": "Parking at the back"})
        self.bobs.invalidate_recordset()
        self.assertEqual(self.bobs.notes, "Parking at the back")
        with self.assertRaises(AccessError):
            self.env["clinic.service"].with_user(self.frontdesk).create({"name": "Sneaky", "duration": 10})
        with self.assertRaises(AccessError):
            self.location.with_user(self.frontdesk).write({"tz": "UTC"})
        with self.assertRaises(AccessError):
            self.alice.with_user(self.frontdesk).write({"online_bookable": False})

    def test_front_desk_books_a_colleague_as_a_client(self):
        colleague = new_test_user(self.env, "t_colleague", groups="base.group_user", name="Colleague Client")
        booked = self.env["clinic.appointment"].with_user(self.frontdesk).create({
            "partner_id": colleague.partner_id.id, "service_id": self.talk.id, "provider_id": self.carol.id,
            "location_id": self.location.id, "start": datetime(2026, 3, 4, 15, 0),
        })
        self.assertTrue(booked.partner_id.clinic_client)

    def test_provider_reads_the_schedule_but_changes_only_their_own(self):
        as_provider = self.env["clinic.appointment"].with_user(self.provider_user)
        self.assertEqual(as_provider.search([("id", "in", (self.mine | self.bobs).ids)]), self.mine | self.bobs)
        self.mine.with_user(self.provider_user).write({"notes": "Bring shorts"})
        self.mine.invalidate_recordset()
        self.assertEqual(self.mine.notes, "Bring shorts")
        with self.assertRaises(AccessError):
            self.bobs.with_user(self.provider_user).write({"notes": "Not mine"})
        with self.assertRaises(AccessError):
            as_provider.create({
                "partner_id": self.client.id, "service_id": self.talk.id, "provider_id": self.carol.id,
                "location_id": self.location.id, "start": datetime(2026, 3, 4, 15, 0),
            })

    def test_internal_user_without_clinic_role_sees_no_appointment(self):
        plain = new_test_user(self.env, "t_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["clinic.appointment"].with_user(plain).search([])
        with self.assertRaises(AccessError):
            self.mine.with_user(plain).read(["start"])

    def test_other_company_sees_nothing(self):
        other_company = self.env["res.company"].create({"name": "Other Clinic Inc."})
        outsider = new_test_user(
            self.env, "t_outsider", groups="clinic_scheduling.group_clinic_manager",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        as_outsider = self.env["clinic.appointment"].with_user(outsider)
        self.assertFalse(as_outsider.search([]))
        self.assertFalse(self.env["clinic.location"].with_user(outsider).search([("id", "=", self.location.id)]))
        with self.assertRaises(AccessError):
            self.mine.with_user(outsider).read(["start"])


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestBlockedTime(ClinicCase):

    def test_front_desk_blocks_time_that_the_engine_respects(self):
        Leave = self.env["resource.calendar.leaves"].with_user(self.frontdesk)
        Leave.create({
            "name": "Team meeting", "time_type": "other", "resource_id": self.alice.resource_id.id,
            "date_from": datetime(2026, 3, 3, 14, 0), "date_to": datetime(2026, 3, 3, 15, 0),
        })
        Leave.create({
            "name": "Table maintenance", "time_type": "other", "resource_id": self.room_1.resource_id.id,
            "date_from": datetime(2026, 3, 3, 16, 0), "date_to": datetime(2026, 3, 3, 17, 0),
        })
        slots = self.physio._get_available_slots(
            datetime(2026, 3, 3, 14, 0), datetime(2026, 3, 3, 17, 0), provider_ids=self.alice.ids, online=False)
        starts = {s["start"]: s["room_id"] for s in slots}
        self.assertNotIn(datetime(2026, 3, 3, 14, 30), starts, "Alice is in a meeting")
        self.assertEqual(starts[datetime(2026, 3, 3, 16, 0)], self.room_2.id, "room 1 is under maintenance")

    def test_front_desk_cannot_touch_time_off_or_holidays(self):
        holiday = self.env["resource.calendar.leaves"].create({
            "name": "Family Day", "calendar_id": self.calendar.id,
            "date_from": datetime(2026, 2, 16, 5, 0), "date_to": datetime(2026, 2, 17, 5, 0),
        })
        time_off = self.env["resource.calendar.leaves"].create({
            "name": "Vacation", "resource_id": self.alice.resource_id.id, "time_type": "leave",
            "date_from": datetime(2026, 4, 1, 5, 0), "date_to": datetime(2026, 4, 8, 5, 0),
        })
        for leave in (holiday, time_off):
            with self.assertRaises(AccessError):
                leave.with_user(self.frontdesk).write({"date_to": datetime(2026, 4, 9, 5, 0)})
