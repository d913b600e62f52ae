from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-02-23 12:00:00")
class TestSeries(ClinicCase):

    def plan(self, first, **values):
        action = first.with_user(self.frontdesk).action_open_series_wizard()
        Wizard = self.env["clinic.series.wizard"].with_user(self.frontdesk).with_context(**action["context"])
        return Wizard.create(dict({"interval_weeks": 1, "end_type": "count", "count": 4}, **values))

    def test_weekly_series_keeps_the_local_time_across_daylight_saving(self):
        first = self.book("2026-03-03 15:00")  # Tuesday 10:00 in Toronto (EST)
        wizard = self.plan(first)
        self.assertEqual(wizard.line_ids.mapped("planned_start"), [
            datetime(2026, 3, 3, 15, 0), datetime(2026, 3, 10, 14, 0),  # 10:00 EDT after 8 March
            datetime(2026, 3, 17, 14, 0), datetime(2026, 3, 24, 14, 0),
        ])
        self.assertEqual(wizard.line_ids.mapped("status"), ["free"] * 4, "the first is the appointment itself")
        wizard.action_confirm()
        series = first.series_id
        self.assertTrue(series)
        self.assertEqual(len(series.appointment_ids), 4)
        self.assertEqual(set(series.appointment_ids.mapped("state")), {"booked"})

    def test_weekly_series_keeps_the_local_time_when_summer_time_ends(self):
        first = self.book("2026-10-27 14:00")  # Tuesday 10:00 in Toronto (EDT)
        wizard = self.plan(first, count=3)
        self.assertEqual(wizard.line_ids.mapped("planned_start"), [
            datetime(2026, 10, 27, 14, 0), datetime(2026, 11, 3, 15, 0), datetime(2026, 11, 10, 15, 0),
        ], "10:00 EST after 1 November")
        self.assertEqual(wizard.line_ids.mapped("status"), ["free"] * 3)

    def test_series_at_night_through_the_times_that_do_not_exist_or_occur_twice(self):
        night = self.night_provider(0, 6)
        service = night.service_ids
        spring = self.book("2026-03-01 07:30", provider=night, service=service)  # Sunday 2:30 EST
        wizard = self.plan(spring, count=3)
        self.assertEqual(wizard.line_ids.mapped("planned_start"), [
            datetime(2026, 3, 1, 7, 30),
            datetime(2026, 3, 8, 7, 30),  # 2:30 does not exist on 8 March: 3:30 EDT, as the engine offers
            datetime(2026, 3, 15, 6, 30),  # 2:30 EDT
        ])
        self.assertEqual(wizard.line_ids.mapped("status"), ["free"] * 3)
        autumn = self.book("2026-10-25 05:30", provider=night, service=service)  # Sunday 1:30 EDT
        wizard = self.plan(autumn, count=3)
        self.assertEqual(wizard.line_ids.mapped("planned_start"), [
            datetime(2026, 10, 25, 5, 30),
            datetime(2026, 11, 1, 6, 30),  # 1:30 happens twice on 1 November: the second, as the engine offers
            datetime(2026, 11, 8, 6, 30),  # 1:30 EST
        ])
        self.assertEqual(wizard.line_ids.mapped("status"), ["free"] * 3)
        wizard.action_confirm()
        self.assertEqual(autumn.series_id.appointment_ids.sorted("start").mapped("start"),
                         wizard.line_ids.mapped("planned_start"))

    def test_conflicts_are_previewed_with_an_alternative_or_skipped(self):
        first = self.book("2026-03-03 15:00")
        self.book("2026-03-10 14:00", partner=self.client_2, room=self.room_2)  # Alice busy 10:00-10:40
        self.env["resource.calendar.leaves"].create({
            "name": "Course", "resource_id": self.alice.resource_id.id,
            "date_from": datetime(2026, 3, 17, 4, 0), "date_to": datetime(2026, 3, 18, 4, 0),
        })
        wizard = self.plan(first)
        moved, skipped_or_other = wizard.line_ids[1], wizard.line_ids[2]
        self.assertEqual(moved.status, "moved")
        self.assertIn("Alice Physio is already booked", moved.reason)
        # 9:15 and 10:45 are both 45 minutes away from 10:00: the earlier one wins.
        self.assertEqual(moved.start, datetime(2026, 3, 10, 13, 15), "the nearest free start that day")
        self.assertEqual(moved.provider_id, self.alice)
        self.assertEqual(skipped_or_other.status, "moved", "Alice is away: Bob takes that week")
        self.assertEqual(skipped_or_other.provider_id, self.bob)
        self.assertEqual(wizard.conflict_count, 2)
        self.bob.active = False
        wizard.count = 3
        self.assertEqual(wizard.line_ids[2].status, "skipped")
        self.assertFalse(wizard.line_ids[2].start)

    def test_series_is_booked_all_or_nothing(self):
        first = self.book("2026-03-03 15:00")
        wizard = self.plan(first)
        self.book(wizard.line_ids[3].start, partner=self.client_2, room=self.room_2)  # taken after the preview
        before = self.env["clinic.appointment"].search_count([])
        with self.assertRaises(UserError) as caught:
            wizard.action_confirm()
        self.assertIn("nothing was booked", str(caught.exception))
        self.assertEqual(self.env["clinic.appointment"].search_count([]), before)

    def test_partial_apply_books_the_others_when_one_time_was_taken(self):
        first = self.book("2026-03-03 15:00")
        wizard = self.plan(first)
        self.book(wizard.line_ids[3].start, partner=self.client_2, room=self.room_2)  # taken after the preview
        series = self.env["clinic.appointment.series"].with_user(self.frontdesk).create(wizard._series_values())
        booked = series._apply_plan(wizard.line_ids, partial=True)
        self.assertEqual(booked.mapped("start"), wizard.line_ids[1:3].mapped("start"), "the taken one is left out")
        self.assertEqual(booked.series_id, series)
        self.assertIn("1 taken since the preview", str(series.message_ids[:1].body))

    def test_cancel_one_following_or_all(self):
        first = self.book("2026-03-03 15:00")
        self.plan(first, count=5).action_confirm()
        visits = first.series_id.appointment_ids.sorted("start")
        Cancel = self.env["clinic.appointment.cancel"].with_user(self.frontdesk)
        Cancel.create({"appointment_ids": visits[1].ids, "reason_id": self.reason_client.id}).action_cancel()
        self.assertEqual(visits.mapped("state"), ["booked", "cancelled", "booked", "booked", "booked"])
        Cancel.create({"appointment_ids": visits[3].ids, "reason_id": self.reason_client.id,
                       "scope": "following"}).action_cancel()
        self.assertEqual(visits.mapped("state"), ["booked", "cancelled", "booked", "cancelled", "cancelled"])
        Cancel.create({"appointment_ids": visits[0].ids, "reason_id": self.reason_clinic.id,
                       "scope": "all"}).action_cancel()
        self.assertEqual(set(visits.mapped("state")), {"cancelled"})
        self.assertEqual(visits[2].cancel_reason_id, self.reason_clinic)


@tagged("post_install", "-at_install")
@freeze_time("2026-02-23 12:00:00")
class TestSeriesRule(ClinicCase):
    """The series keeps its rule and plans, extends and re-plans itself; the wizard previews."""

    def start_series(self, first, **values):
        action = first.with_user(self.frontdesk).action_open_series_wizard()
        wizard = self.env["clinic.series.wizard"].with_user(self.frontdesk).with_context(**action["context"]).create(
            dict({"interval_weeks": 1, "end_type": "count", "count": 4}, **values)
        )
        wizard.action_confirm()
        return first.series_id

    def plan_series(self, series, **values):
        action = series.with_user(self.frontdesk).action_open_plan_wizard()
        wizard = self.env["clinic.series.wizard"].with_user(self.frontdesk).with_context(**action["context"]).create(
            values
        )
        return wizard

    def test_the_series_stores_its_rule(self):
        series = self.start_series(self.book("2026-03-03 15:00"), tue=True, thu=True)  # 10:00 in Toronto
        self.assertEqual((series.first_date, series.local_time, series.interval_weeks), (date(2026, 3, 3), 10.0, 1))
        self.assertEqual((series.tue, series.thu, series.mon, series.count), (True, True, False, 4))
        self.assertEqual(series.appointment_ids.sorted("start").mapped("start"), [
            datetime(2026, 3, 3, 15, 0), datetime(2026, 3, 5, 15, 0),  # Tuesday and Thursday, EST
            datetime(2026, 3, 10, 14, 0), datetime(2026, 3, 12, 14, 0),  # 10:00 EDT
        ])
        self.assertEqual(series._get_occurrences(), series.appointment_ids.sorted("start").mapped("start"))

    def test_until_a_date_every_other_week(self):
        series = self.start_series(self.book("2026-03-03 15:00"), interval_weeks=2, end_type="until",
                                   until=date(2026, 4, 1))
        self.assertEqual(series.appointment_ids.sorted("start").mapped("start"), [
            datetime(2026, 3, 3, 15, 0), datetime(2026, 3, 17, 14, 0), datetime(2026, 3, 31, 14, 0),
        ])

    def test_the_wizard_as_the_web_client_fills_it(self):
        """Opened from an appointment (its id in the context), previewed by onchange, then saved:
        only the appointment itself is already booked; the other visits get booked."""
        first = self.book("2026-03-03 15:00")
        action = first.with_user(self.frontdesk).action_open_series_wizard()
        with Form(self.env["clinic.series.wizard"].with_user(self.frontdesk).with_context(**action["context"])) as form:
            form.count = 3
        wizard = form.record
        self.assertEqual(wizard.line_ids.mapped("appointment_id"), first)
        wizard.action_confirm()
        self.assertEqual(len(first.series_id.appointment_ids), 3)

    def test_extend_books_only_the_new_visits(self):
        series = self.start_series(self.book("2026-03-03 15:00"))
        wizard = self.plan_series(series, count=6)
        self.assertEqual(wizard.line_ids.mapped("status"), ["free"] * 6)
        self.assertEqual(len(wizard.line_ids.filtered("appointment_id")), 4, "four already booked")
        wizard.action_confirm()
        self.assertEqual(series.count, 6)
        self.assertEqual(series.appointment_ids.sorted("start").mapped("start")[4:], [
            datetime(2026, 3, 31, 14, 0), datetime(2026, 4, 7, 14, 0),
        ])
        self.assertEqual(len(series.appointment_ids), 6)

    def test_a_changed_rule_replans_the_future_and_cancels_what_no_longer_fits(self):
        series = self.start_series(self.book("2026-03-03 15:00"))  # Tuesdays
        with freeze_time("2026-03-04 12:00:00"):  # the first visit is past
            wizard = self.plan_series(series, tue=False, wed=True)
            statuses = wizard.line_ids.mapped("status")
            self.assertEqual(statuses.count("cancel"), 3, "the three Tuesdays still to come")
            wizard.action_confirm()
        visits = series.appointment_ids.sorted("start")
        tuesdays = visits.filtered(lambda a: a.start.weekday() == 1)
        self.assertEqual(tuesdays.mapped("state"), ["booked", "cancelled", "cancelled", "cancelled"],
                         "the past visit stays; nothing is deleted")
        self.assertEqual(set(tuesdays[1:].mapped("cancel_reason_id.name")), {"Series re-planned"})
        wednesdays = visits.filtered(lambda a: a.start.weekday() == 2 and a.state == "booked")
        self.assertEqual(wednesdays.mapped("start"), [
            datetime(2026, 3, 4, 15, 0), datetime(2026, 3, 11, 14, 0), datetime(2026, 3, 18, 14, 0),
        ], "four visits in all: the past Tuesday and three Wednesdays from today on")
        self.assertTrue(series.wed and not series.tue)
