from datetime import datetime

from odoo import Command
from odoo.tests import freeze_time, tagged, warmup

from .common import ClinicCase
from .test_availability import local


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01 12:00:00")
class TestWorkIntervals(ClinicCase):
    """clinic.provider._get_work_intervals: the working time the day view, utilization, insights and
    the volume generator show, computed as the availability engine does."""

    def work(self, providers, day_from, day_to, location=None):
        return providers._get_work_intervals(location or self.location, local(day_from), local(day_to))

    def test_working_hours_across_daylight_saving(self):
        """Toronto moves to summer time on Sunday 8 March 2026: 9:00-17:00 is 14:00-22:00 UTC on
        Friday and 13:00-21:00 UTC on Monday."""
        work = self.work(self.carol, "2026-03-06 00:00", "2026-03-10 00:00")[self.carol.id]
        self.assertEqual(work, [
            (datetime(2026, 3, 6, 14, 0), datetime(2026, 3, 6, 22, 0)),
            (datetime(2026, 3, 9, 13, 0), datetime(2026, 3, 9, 21, 0)),
        ])

    def test_cut_to_the_window(self):
        work = self.work(self.carol | self.alice, "2026-03-03 10:30", "2026-03-03 12:00")
        self.assertEqual(work, {
            self.carol.id: [(local("2026-03-03 10:30"), local("2026-03-03 12:00"))],
            self.alice.id: [(local("2026-03-03 10:30"), local("2026-03-03 12:00"))],
        })

    def test_time_off_blocked_time_and_closures(self):
        Leave = self.env["resource.calendar.leaves"]
        Leave.create([
            {"name": "Dentist", "resource_id": self.carol.resource_id.id,
             "date_from": local("2026-03-03 12:00"), "date_to": local("2026-03-03 14:00")},
            {"name": "Team training", "resource_id": self.alice.resource_id.id, "time_type": "other",
             "date_from": local("2026-03-03 16:00"), "date_to": local("2026-03-03 18:00")},
            {"name": "Family Day", "calendar_id": self.calendar.id,
             "date_from": local("2026-03-04 00:00"), "date_to": local("2026-03-05 00:00")},
            {"name": "Snow closure", "date_from": local("2026-03-05 13:00"), "date_to": local("2026-03-06 00:00")},
        ])
        work = self.work(self.carol | self.alice | self.bob, "2026-03-03 00:00", "2026-03-06 00:00")
        self.assertEqual(work[self.carol.id], [
            (local("2026-03-03 09:00"), local("2026-03-03 12:00")),
            (local("2026-03-03 14:00"), local("2026-03-03 17:00")),
            (local("2026-03-05 09:00"), local("2026-03-05 13:00")),
        ])
        self.assertEqual(work[self.alice.id], [
            (local("2026-03-03 09:00"), local("2026-03-03 16:00")),
            (local("2026-03-05 09:00"), local("2026-03-05 13:00")),
        ], "blocked time counts as time off; the calendar's holiday and the closure apply to everyone")
        self.assertEqual(work[self.bob.id], [
            (local("2026-03-03 09:00"), local("2026-03-03 17:00")),
            (local("2026-03-05 09:00"), local("2026-03-05 13:00")),
        ])

    def test_locations_opening_hours_and_lines_naming_a_location(self):
        opening = self.env["resource.calendar"].create({
            "name": "Main opening hours", "tz": "America/Toronto",
            "attendance_ids": [Command.create({"name": "Tue", "dayofweek": "1", "hour_from": 10, "hour_to": 15})],
        })
        self.location.resource_calendar_id = opening
        self.env["resource.calendar.leaves"].create({
            "name": "Main closed early", "calendar_id": opening.id,
            "date_from": local("2026-03-03 14:00"), "date_to": local("2026-03-03 20:00"),
        })
        work = self.work(self.carol | self.alice, "2026-03-02 00:00", "2026-03-05 00:00")
        self.assertEqual(work[self.carol.id], [(local("2026-03-03 10:00"), local("2026-03-03 14:00"))],
                         "inside the opening hours, minus the location's own closures")
        self.location.resource_calendar_id = False
        # Alice works Wednesdays at the Annex only; Carol does not work at the Annex at all.
        self.calendar.attendance_ids.filtered(lambda a: a.dayofweek == "2").clinic_location_id = self.other_location
        main = self.work(self.alice, "2026-03-03 00:00", "2026-03-05 00:00")[self.alice.id]
        annex = self.work(self.alice | self.carol, "2026-03-03 00:00", "2026-03-05 00:00", self.other_location)
        self.assertEqual(main, [(local("2026-03-03 09:00"), local("2026-03-03 17:00"))])
        self.assertEqual(annex[self.alice.id], [
            (local("2026-03-03 09:00"), local("2026-03-03 17:00")),
            (local("2026-03-04 09:00"), local("2026-03-04 17:00")),
        ], "a line naming no location counts at each of the provider's locations")
        self.assertEqual(annex[self.carol.id], [])

    def test_the_engine_offers_only_working_time(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Dentist", "resource_id": self.alice.resource_id.id,
            "date_from": local("2026-03-03 12:10"), "date_to": local("2026-03-03 13:20"),
        })
        self.book(local("2026-03-04 10:00"))
        work = self.work(self.alice | self.bob, "2026-03-02 00:00", "2026-03-09 00:00")
        slots = self.massage._get_available_slots(
            local("2026-03-02 00:00"), local("2026-03-09 00:00"), location_id=self.location.id, online=False,
        )
        self.assertTrue(slots)
        for slot in slots:
            self.assertTrue(
                any(lo <= slot["start"] and slot["stop"] <= hi for lo, hi in work[slot["provider_id"]]),
                f"slot {slot['start']} of provider {slot['provider_id']} outside working time",
            )

    @warmup
    def test_query_count_does_not_grow_with_providers_or_days(self):
        more = self.env["clinic.provider"].create([{
            "name": f"Extra {i}", "resource_calendar_id": self.calendar.id, "tz": self.tz,
            "location_ids": [Command.set(self.location.ids)],
        } for i in range(6)])
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            one = self.work(self.alice, "2026-03-02 00:00", "2026-03-03 00:00")
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            many = self.work(self.alice | self.bob | self.carol | more, "2026-03-02 00:00", "2026-04-30 00:00")
        self.assertEqual(len(one[self.alice.id]), 1)
        self.assertEqual(len(many), 9)
        self.assertEqual(len(many[self.alice.id]), 43)
