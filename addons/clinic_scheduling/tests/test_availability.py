from datetime import date, datetime, timedelta

import pytz

from odoo import Command
from odoo.tests import freeze_time, tagged, warmup

from ..tools import intervals as iv
from .common import ClinicCase

TORONTO = pytz.timezone("America/Toronto")


def local(day_time):
    """'2026-03-03 09:00' in Toronto wall-clock time -> naive UTC."""
    naive = datetime.strptime(day_time, "%Y-%m-%d %H:%M")
    return TORONTO.localize(naive).astimezone(pytz.utc).replace(tzinfo=None)


def starts(slots, provider=None):
    return [s["start"] for s in slots if provider is None or s["provider_id"] == provider.id]


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01 12:00:00")
class TestAvailability(ClinicCase):

    def slots(self, service, day_from, day_to, online=False, **kwargs):
        return service._get_available_slots(local(day_from), local(day_to), online=online, **kwargs)

    def test_working_hours_in_the_location_time_zone(self):
        slots = self.slots(self.talk, "2026-03-03 00:00", "2026-03-04 00:00")
        carol = starts(slots, self.carol)
        self.assertEqual(carol[0], local("2026-03-03 09:00"))
        self.assertEqual(carol[-1], local("2026-03-03 16:00"), "50 min must end by 17:00")
        self.assertEqual(len(carol), 29, "every 15 minutes from 9:00 to 16:00")
        self.assertEqual({s["location_id"] for s in slots}, {self.location.id})
        self.assertEqual(slots[0]["stop"], slots[0]["start"] + timedelta(minutes=50))
        self.assertFalse(self.slots(self.talk, "2026-03-07 00:00", "2026-03-09 00:00"), "no weekend hours")

    def test_daylight_saving_change(self):
        """Toronto moves to summer time on Sunday 8 March 2026: 9:00 is 14:00 UTC before, 13:00 after."""
        slots = self.slots(self.talk, "2026-03-06 00:00", "2026-03-10 00:00", provider_ids=self.carol.ids)
        days = {}
        for start in starts(slots):
            days.setdefault(start.date(), start)
        self.assertEqual(days[datetime(2026, 3, 6).date()], datetime(2026, 3, 6, 14, 0))
        self.assertEqual(days[datetime(2026, 3, 9).date()], datetime(2026, 3, 9, 13, 0))

    def test_daylight_saving_ends(self):
        """Toronto goes back to standard time on Sunday 1 November 2026: 9:00 is 13:00 UTC before, 14:00 after."""
        slots = self.slots(self.talk, "2026-10-30 00:00", "2026-11-03 00:00", provider_ids=self.carol.ids)
        days = {}
        for start in starts(slots):
            days.setdefault(start.date(), start)
        self.assertEqual(sorted(days.values()), [datetime(2026, 10, 30, 13, 0), datetime(2026, 11, 2, 14, 0)])

    def night_slots(self, provider, day):
        slots = provider.service_ids._get_available_slots(
            datetime.combine(day, datetime.min.time()), datetime.combine(day, datetime.min.time()) + timedelta(days=2),
            provider_ids=provider.ids, online=False,
        )
        return [(s["start"], pytz.utc.localize(s["start"]).astimezone(TORONTO).strftime("%H:%M %Z")) for s in slots]

    def test_night_hours_across_the_spring_change_skip_the_hour_that_does_not_exist(self):
        night = self.night_provider(0, 6)  # Sunday 8 March 2026: 2:00 EST becomes 3:00 EDT
        self.assertEqual(self.night_slots(night, date(2026, 3, 8)), [
            (datetime(2026, 3, 8, 5, 0), "00:00 EST"), (datetime(2026, 3, 8, 5, 30), "00:30 EST"),
            (datetime(2026, 3, 8, 6, 0), "01:00 EST"), (datetime(2026, 3, 8, 6, 30), "01:30 EST"),
            (datetime(2026, 3, 8, 7, 0), "03:00 EDT"), (datetime(2026, 3, 8, 7, 30), "03:30 EDT"),
            (datetime(2026, 3, 8, 8, 0), "04:00 EDT"), (datetime(2026, 3, 8, 8, 30), "04:30 EDT"),
            (datetime(2026, 3, 8, 9, 0), "05:00 EDT"), (datetime(2026, 3, 8, 9, 30), "05:30 EDT"),
        ], "five working hours that night, no 2:00 nor 2:30")

    def test_night_hours_across_the_autumn_change_offer_the_doubled_time_once(self):
        night = self.night_provider(0, 6)  # Sunday 1 November 2026: 2:00 EDT becomes 1:00 EST
        self.assertEqual(self.night_slots(night, date(2026, 11, 1)), [
            (datetime(2026, 11, 1, 4, 0), "00:00 EDT"), (datetime(2026, 11, 1, 4, 30), "00:30 EDT"),
            # 1:00 and 1:30 happen twice: the wall-clock grid offers each once, in standard time.
            (datetime(2026, 11, 1, 6, 0), "01:00 EST"), (datetime(2026, 11, 1, 6, 30), "01:30 EST"),
            (datetime(2026, 11, 1, 7, 0), "02:00 EST"), (datetime(2026, 11, 1, 7, 30), "02:30 EST"),
            (datetime(2026, 11, 1, 8, 0), "03:00 EST"), (datetime(2026, 11, 1, 8, 30), "03:30 EST"),
            (datetime(2026, 11, 1, 9, 0), "04:00 EST"), (datetime(2026, 11, 1, 9, 30), "04:30 EST"),
            (datetime(2026, 11, 1, 10, 0), "05:00 EST"), (datetime(2026, 11, 1, 10, 30), "05:30 EST"),
        ])

    def test_working_hours_starting_at_a_time_that_does_not_exist_or_occurs_twice(self):
        night = self.night_provider(2.5, 5)
        self.assertEqual(self.night_slots(night, date(2026, 3, 8))[0], (datetime(2026, 3, 8, 7, 30), "03:30 EDT"),
                         "2:30 does not exist on 8 March: the hours start when the clock shows 3:30")
        night.resource_calendar_id.attendance_ids.hour_from = 1.5
        self.assertEqual(self.night_slots(night, date(2026, 11, 1))[0], (datetime(2026, 11, 1, 6, 30), "01:30 EST"),
                         "1:30 happens twice on 1 November: the hours start at the second one")

    def test_all_day_events_block_the_whole_local_day_of_23_or_25_hours(self):
        night = self.night_provider(0, 24)
        night.user_id = self.frontdesk
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        for day in (date(2026, 3, 8), date(2026, 11, 1)):
            Event.create({"name": "Conference", "allday": True, "start": datetime.combine(day, datetime.min.time()),
                          "stop": datetime.combine(day, datetime.min.time()),
                          "partner_ids": [Command.set(self.frontdesk.partner_id.ids)]})
        self.assertFalse(self.night_slots(night, date(2026, 3, 8)), "8 March lasts 23 hours")
        self.assertFalse(self.night_slots(night, date(2026, 11, 1)), "1 November lasts 25 hours, 23:30 included")

    def test_grid_walks_wall_clock_time_across_the_change(self):
        brussels = pytz.timezone("Europe/Brussels")  # 29 March 2026: 2:00 becomes 3:00
        lo = brussels.localize(datetime(2026, 3, 29, 1, 0)).astimezone(pytz.utc).replace(tzinfo=None)
        hi = brussels.localize(datetime(2026, 3, 29, 4, 0)).astimezone(pytz.utc).replace(tzinfo=None)
        got = iv.step([(lo, hi, lo)], timedelta(minutes=30), brussels)
        wall = [pytz.utc.localize(s).astimezone(brussels).strftime("%H:%M") for s in got]
        self.assertEqual(wall, ["01:00", "01:30", "03:00", "03:30", "04:00"])

    def test_appointments_and_buffers_take_time_out(self):
        self.book(local("2026-03-03 10:00"))  # Alice, physio 30 min + 10 min clean-up
        alice = starts(self.slots(self.physio, "2026-03-03 00:00", "2026-03-04 00:00"), self.alice)
        self.assertIn(local("2026-03-03 09:15"), alice, "9:15-9:45 + 10 min ends at 9:55")
        self.assertNotIn(local("2026-03-03 09:30"), alice, "its clean-up would run into 10:00")
        self.assertNotIn(local("2026-03-03 10:30"), alice)
        self.assertIn(local("2026-03-03 10:45"), alice, "10:40 is off the 15-minute grid")

    def test_cancelled_appointments_free_their_time(self):
        appointment = self.book(local("2026-03-03 10:00"))
        appointment.action_cancel(self.reason_client)
        alice = starts(self.slots(self.physio, "2026-03-03 00:00", "2026-03-04 00:00"), self.alice)
        self.assertIn(local("2026-03-03 10:00"), alice)

    def test_leaves_block_the_provider_and_global_closures_everyone(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Dentist", "resource_id": self.carol.resource_id.id,
            "date_from": local("2026-03-04 12:00"), "date_to": local("2026-03-04 14:00"),
        })
        carol = starts(self.slots(self.talk, "2026-03-04 00:00", "2026-03-05 00:00"), self.carol)
        self.assertIn(local("2026-03-04 11:00"), carol)
        self.assertNotIn(local("2026-03-04 11:15"), carol, "would end at 12:05")
        self.assertNotIn(local("2026-03-04 13:45"), carol)
        self.assertIn(local("2026-03-04 14:00"), carol)
        self.env["resource.calendar.leaves"].create({
            "name": "Family Day", "calendar_id": self.calendar.id,
            "date_from": local("2026-03-05 00:00"), "date_to": local("2026-03-06 00:00"),
        })
        self.assertFalse(self.slots(self.talk, "2026-03-05 00:00", "2026-03-06 00:00"))

    def test_rooms_are_assigned_and_respected(self):
        self.book(local("2026-03-03 11:00"), provider=self.bob, room=self.room_1)
        slots = self.slots(self.physio, "2026-03-03 11:00", "2026-03-03 11:01", provider_ids=self.alice.ids)
        self.assertEqual([(s["start"], s["room_id"]) for s in slots], [(local("2026-03-03 11:00"), self.room_2.id)])
        self.book(local("2026-03-03 11:00"), provider=self.bob.copy({"name": "Bob 2"}), room=self.room_2,
                  partner=self.client_2)
        self.assertFalse(
            self.slots(self.physio, "2026-03-03 11:00", "2026-03-03 11:01", provider_ids=self.alice.ids),
            "Alice is free at 11:00 but both tables are taken",
        )
        room_free = self.slots(self.talk, "2026-03-03 11:00", "2026-03-03 11:01")
        self.assertEqual([s["room_id"] for s in room_free], [False], "counselling needs no room")

    def test_rooms_follow_features_and_their_own_closures(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Table repair", "resource_id": self.room_1.resource_id.id,
            "date_from": local("2026-03-03 00:00"), "date_to": local("2026-03-04 00:00"),
        })
        slots = self.slots(self.physio, "2026-03-03 00:00", "2026-03-04 00:00", provider_ids=self.alice.ids)
        self.assertEqual({s["room_id"] for s in slots}, {self.room_2.id})
        self.room_2.tag_ids = False
        self.assertFalse(
            self.slots(self.physio, "2026-03-03 00:00", "2026-03-04 00:00", provider_ids=self.alice.ids),
            "room 2 has no treatment table",
        )

    def test_rooms_follow_their_own_hours(self):
        self.room_1.resource_calendar_id = self.env["resource.calendar"].create({
            "name": "Room 1 mornings", "tz": "America/Toronto",
            "attendance_ids": [Command.create({"name": "Tue", "dayofweek": "1", "hour_from": 9, "hour_to": 12})],
        })
        slots = self.slots(self.physio, "2026-03-03 00:00", "2026-03-05 00:00", provider_ids=self.alice.ids)
        room_1 = [s["start"] for s in slots if s["room_id"] == self.room_1.id]
        self.assertEqual((room_1[0], room_1[-1]), (local("2026-03-03 09:00"), local("2026-03-03 11:30")),
                         "Room 1 only on Tuesday mornings, the visit ending by 12:00")
        self.assertIn(local("2026-03-03 12:00"), [s["start"] for s in slots if s["room_id"] == self.room_2.id])
        self.assertIn(local("2026-03-04 09:00"), [s["start"] for s in slots if s["room_id"] == self.room_2.id])

    def test_provider_busy_calendar_events(self):
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        partner = self.provider_user.partner_id
        Event.create({"name": "Team meeting", "start": local("2026-03-03 13:00"),
                      "stop": local("2026-03-03 14:00"), "partner_ids": [Command.set(partner.ids)]})
        Event.create({"name": "Optional webinar", "start": local("2026-03-03 15:00"), "show_as": "free",
                      "stop": local("2026-03-03 16:00"), "partner_ids": [Command.set(partner.ids)]})
        Event.create({"name": "All-day course", "allday": True, "start": datetime(2026, 3, 4, 8),
                      "stop": datetime(2026, 3, 4, 18), "partner_ids": [Command.set(partner.ids)]})
        alice = starts(self.slots(self.massage, "2026-03-03 00:00", "2026-03-05 00:00",
                                  location_id=self.location.id), self.alice)
        self.assertNotIn(local("2026-03-03 13:00"), alice)
        self.assertNotIn(local("2026-03-03 12:00"), alice, "would run into the meeting")
        self.assertIn(local("2026-03-03 14:15"), alice, "5 minutes of preparation after the meeting")
        self.assertIn(local("2026-03-03 15:00"), alice, "a 'free' event does not block")
        self.assertFalse([s for s in alice if s.date() == datetime(2026, 3, 4).date()])

    def test_location_opening_hours_and_attendance_locations(self):
        self.location.resource_calendar_id = self.env["resource.calendar"].create({
            "name": "Main opening hours", "tz": "America/Toronto",
            "attendance_ids": [Command.create({"name": "Tue", "dayofweek": "1", "hour_from": 10, "hour_to": 15})],
        })
        carol = starts(self.slots(self.talk, "2026-03-03 00:00", "2026-03-05 00:00"), self.carol)
        self.assertEqual((carol[0], carol[-1]), (local("2026-03-03 10:00"), local("2026-03-03 14:00")))
        # Alice works Wednesdays at the Annex only.
        self.calendar.attendance_ids.filtered(lambda a: a.dayofweek == "2").clinic_location_id = self.other_location
        self.location.resource_calendar_id = False
        wednesday = self.slots(self.massage, "2026-03-04 00:00", "2026-03-05 00:00", provider_ids=self.alice.ids)
        self.assertEqual({(s["location_id"], s["room_id"]) for s in wednesday},
                         {(self.other_location.id, self.annex_room.id)})
        tuesday = self.slots(self.massage, "2026-03-03 00:00", "2026-03-04 00:00", provider_ids=self.alice.ids)
        self.assertEqual({s["location_id"] for s in tuesday}, {self.location.id, self.other_location.id},
                         "a line naming no location counts at each of the provider's locations")
        annex = self.slots(self.annex_only, "2026-03-04 00:00", "2026-03-05 00:00", provider_ids=self.alice.ids)
        self.assertEqual({s["location_id"] for s in annex}, {self.other_location.id})

    @freeze_time("2026-03-03 14:30:00")  # 9:30 in Toronto
    def test_online_rules(self):
        self.talk.write({"min_notice_hours": 2, "horizon_days": 1})
        online = starts(self.slots(self.talk, "2026-03-03 00:00", "2026-03-06 00:00", online=True))
        self.assertEqual(online[0], local("2026-03-03 11:30"))
        self.assertLessEqual(online[-1], datetime(2026, 3, 4, 14, 30))
        staff = starts(self.slots(self.talk, "2026-03-03 00:00", "2026-03-06 00:00"))
        self.assertEqual(staff[0], local("2026-03-03 09:00"), "staff may book short notice")
        self.assertEqual(staff[-1].date(), datetime(2026, 3, 5).date())
        self.carol.online_bookable = False
        self.assertFalse(self.slots(self.talk, "2026-03-03 00:00", "2026-03-06 00:00", online=True))
        self.carol.online_bookable = True
        self.talk.online_bookable = False
        self.assertFalse(self.slots(self.talk, "2026-03-03 00:00", "2026-03-06 00:00", online=True))

    def test_deterministic_order_and_first_available(self):
        slots = self.slots(self.physio, "2026-03-03 00:00", "2026-03-04 00:00")
        self.assertEqual(slots, self.slots(self.physio, "2026-03-03 00:00", "2026-03-04 00:00"))
        keys = [(s["start"], [self.alice.id, self.bob.id].index(s["provider_id"])) for s in slots]
        self.assertEqual(keys, sorted(keys), "by start, then provider order")
        self.assertEqual(slots[0]["start"], local("2026-03-03 09:00"))
        self.assertEqual({s["provider_id"] for s in slots if s["start"] == slots[0]["start"]},
                         {self.alice.id, self.bob.id})

    @warmup
    def test_query_count_does_not_grow_with_providers_or_days(self):
        """One provider for one day, or twenty providers for four weeks: the same 12 queries (the
        providers' users' busy Calendar events are found through their partners in one query, and
        the providers' time zones are read only for all-day events)."""
        more = self.env["clinic.provider"].create([{
            "name": f"Extra {i}", "resource_calendar_id": self.calendar.id, "tz": self.tz,
            "service_ids": [Command.set(self.physio.ids)], "location_ids": [Command.set(self.location.ids)],
        } for i in range(18)])
        twenty = self.alice | self.bob | more
        self.assertEqual(len(twenty), 20)
        self.book(local("2026-03-03 10:00"))
        self.env.invalidate_all()
        with self.assertQueryCountExactly(12):
            one = self.slots(self.physio, "2026-03-02 00:00", "2026-03-03 00:00", provider_ids=self.alice.ids)
        self.env.invalidate_all()
        with self.assertQueryCountExactly(12):
            many = self.slots(self.physio, "2026-03-02 00:00", "2026-03-30 00:00", provider_ids=twenty.ids)
        self.assertTrue(one)
        self.assertEqual({s["provider_id"] for s in many}, set(twenty.ids))
        self.assertGreater(len(many), 20 * len(one))
