from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestDayViewData(ClinicCase):

    def test_columns_hours_blocks_and_cards_in_local_minutes(self):
        appointment = self.book("2026-03-03 15:00")  # 10:00 in Toronto
        self.env["resource.calendar.leaves"].create({
            "name": "Team meeting", "time_type": "other", "resource_id": self.alice.resource_id.id,
            "date_from": datetime(2026, 3, 3, 17, 0), "date_to": datetime(2026, 3, 3, 18, 0),
        })
        data = self.env["clinic.appointment"].with_user(self.frontdesk).get_day_view_data(
            "2026-03-03", self.location.id)
        self.assertEqual([c["title"] for c in data["columns"]], ["Alice Physio", "Bob Massage", "Carol Counsellor"])
        alice = data["columns"][0]
        self.assertEqual(alice["work"], [[540, 720], [780, 1020]], "9-12 and 13-17: the meeting is not work")
        self.assertEqual(alice["blocks"], [{"start": 720, "end": 780, "label": "Team meeting", "kind": "other"}])
        card = next(a for a in data["appointments"] if a["id"] == appointment.id)
        self.assertEqual((card["start"], card["end"], card["time"]), (600, 630, "10:00–10:30"))
        self.assertEqual(card["column"], self.alice.id)
        self.assertEqual(data["hours"], [8, 18])

    def test_week_of_one_provider(self):
        tuesday = self.book("2026-03-03 15:00")
        thursday = self.book("2026-03-05 19:00", room=self.room_2)  # 14:00 local
        data = self.env["clinic.appointment"].with_user(self.frontdesk).get_day_view_data(
            "2026-03-04", self.location.id, mode="week", provider_id=self.alice.id)
        self.assertEqual([c["key"] for c in data["columns"]],
                         ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07",
                          "2026-03-08"])
        self.assertEqual({c["provider_id"] for c in data["columns"]}, {self.alice.id})
        self.assertEqual(data["columns"][5]["work"], [], "no Saturday hours")
        cards = {c["id"]: (c["column"], c["start"]) for c in data["appointments"]}
        self.assertEqual(cards, {tuesday.id: ("2026-03-03", 600), thursday.id: ("2026-03-05", 840)})
        sunday_after_dst = self.env["clinic.appointment"].get_day_view_data(
            "2026-03-09", self.location.id, mode="week", provider_id=self.alice.id)
        self.assertEqual(sunday_after_dst["columns"][0]["work"], [[540, 1020]], "9-17 local after the DST change")

    def test_the_day_of_the_autumn_change_has_25_hours(self):
        night = self.night_provider(0, 6)
        service = night.service_ids
        doubled = self.book(datetime(2026, 11, 1, 6, 30), provider=night, service=service)  # the second 1:30
        late = self.book(datetime(2026, 11, 2, 4, 30), provider=night, service=service)  # 23:30 EST on Sunday
        monday = self.book(datetime(2026, 11, 2, 5, 30), provider=night, service=service)  # 0:30 on Monday
        data = self.env["clinic.appointment"].with_user(self.frontdesk).get_day_view_data(
            "2026-11-01", self.location.id)
        column = next(c for c in data["columns"] if c["provider_id"] == night.id)
        self.assertEqual(column["work"], [[0, 360]], "00:00 to 6:00 on the wall clock")
        cards = {c["id"]: (c["start"], c["end"], c["time"]) for c in data["appointments"]}
        self.assertEqual(cards, {doubled.id: (90, 120, "01:30–02:00"), late.id: (1410, 1440, "23:30–00:00")})
        self.assertNotIn(monday.id, cards)

    def test_the_day_of_the_spring_change_has_23_hours(self):
        night = self.night_provider(0, 6)
        service = night.service_ids
        sunday = self.book(datetime(2026, 3, 9, 3, 30), provider=night, service=service)  # 23:30 EDT on Sunday
        monday = self.book(datetime(2026, 3, 9, 4, 30), provider=night, service=service)  # 0:30 on Monday
        data = self.env["clinic.appointment"].with_user(self.frontdesk).get_day_view_data(
            "2026-03-08", self.location.id)
        column = next(c for c in data["columns"] if c["provider_id"] == night.id)
        self.assertEqual(column["work"], [[0, 360]])
        self.assertEqual({c["id"]: c["start"] for c in data["appointments"]}, {sunday.id: 1410})
        self.assertNotIn(monday.id, [c["id"] for c in data["appointments"]])

    def test_drag_to_a_time_that_does_not_exist_or_occurs_twice(self):
        night = self.night_provider(0, 6)
        moving = self.book(datetime(2026, 3, 8, 6, 0), provider=night, service=night.service_ids)  # 1:00 EST
        moving.with_user(self.frontdesk).action_day_view_move(night.id, "2026-03-08", 150)  # 2:30
        self.assertEqual(moving.start, datetime(2026, 3, 8, 7, 30), "2:30 does not exist: 3:30 EDT")
        moving.with_user(self.frontdesk).action_day_view_move(night.id, "2026-11-01", 90)  # 1:30, twice that night
        self.assertEqual((moving.start, moving.stop), (datetime(2026, 11, 1, 6, 30), datetime(2026, 11, 1, 7, 0)),
                         "the second 1:30, as the schedule shows it")

    def test_drag_and_drop_moves_through_the_same_validation(self):
        moving = self.book("2026-03-03 15:00")
        self.book("2026-03-03 17:00", provider=self.bob, room=self.room_2, partner=self.client_2)
        moving.with_user(self.frontdesk).action_day_view_move(self.bob.id, "2026-03-03", 11 * 60)
        self.assertEqual((moving.start, moving.provider_id), (datetime(2026, 3, 3, 16, 0), self.bob))
        with self.assertRefused(ValidationError, "Bob Massage is already booked"):
            moving.with_user(self.frontdesk).action_day_view_move(self.bob.id, "2026-03-03", 12 * 60)

    def test_changes_are_broadcast_to_open_day_views(self):
        self.env["bus.bus"].search([]).unlink()
        self.book("2026-03-03 15:00")
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.cr.postcommit.run()
        messages = self.env["bus.bus"].search([]).mapped("message")
        self.assertTrue(any("clinic.schedule/changed" in m for m in messages))

