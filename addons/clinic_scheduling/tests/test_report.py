from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
class TestAppointmentReport(ClinicCase):

    def test_rates_lead_time_and_rebooking(self):
        with freeze_time("2026-02-20 12:00:00"):
            visit = self.book("2026-03-02 15:00")  # Monday 10:00 in Toronto, booked 10 days ahead
            self.book("2026-03-16 14:00")  # two weeks later, 10:00 EDT: a rebooking
            missed = self.book("2026-03-03 15:00", room=self.room_2)
            dropped = self.book("2026-03-04 15:00")
            last = self.book("2026-04-20 14:00")
            bob_visit = self.book("2026-03-02 15:00", provider=self.bob, room=self.room_2, partner=self.client_2)
        with freeze_time("2026-03-04 12:00:00"):
            for appointment in visit | bob_visit:
                appointment.action_arrive()
                appointment.action_done()
            missed.action_no_show()
            dropped.action_cancel(self.reason_client)  # 3 hours before: late
        with freeze_time("2026-04-21 12:00:00"):
            last.action_arrive()
            last.action_done()
        self.env.flush_all()
        Report = self.env["clinic.appointment.report"].with_user(self.manager)
        rows = {
            provider: values for provider, *values in Report._read_group(
                [("provider_id", "in", (self.alice | self.bob).ids)], ["provider_id"],
                ["appointment_count:sum", "no_show_rate:avg", "cancel_rate:avg", "late_cancel_count:sum",
                 "visit_count:sum", "rebooking_rate:avg", "lead_time_days:avg"],
            )
        }
        count, no_show_rate, cancel_rate, late, visits, rebooking, lead = rows[self.alice]
        self.assertEqual(count, 5)
        self.assertAlmostEqual(no_show_rate, 100 / 3, places=2, msg="1 no-show out of 3 due visits")
        self.assertAlmostEqual(cancel_rate, 20.0)
        self.assertEqual((late, visits), (1, 2))
        self.assertAlmostEqual(rebooking, 50.0, msg="rebooked within 30 days after the first visit, not the last")
        # Booked on 20 February at 12:00 UTC, for 10 d 3 h, 24 d 2 h, 11 d 3 h, 12 d 3 h and 59 d 2 h later.
        self.assertAlmostEqual(lead, (116 + 13 / 24) / 5, places=4, msg="lead time in days")
        self.assertEqual(rows[self.bob][0], 1)
        line = Report.search([("id", "=", visit.id)])
        self.assertEqual((line.weekday, line.hour), ("1", 10), "Monday, 10 o'clock local time")

    def test_only_managers_analyse(self):
        with self.assertRaises(AccessError):
            self.env["clinic.appointment.report"].with_user(self.frontdesk).search([])


@tagged("post_install", "-at_install")
@freeze_time("2026-03-04 12:00:00")  # a Wednesday
class TestUtilization(ClinicCase):

    def test_booked_against_available_hours_per_week(self):
        self.book("2026-03-02 15:00")  # Monday, Alice, room 1, 30 min
        self.book("2026-03-03 15:00")  # Tuesday, Alice, room 1, 30 min
        self.book("2026-03-05 15:00", room=self.room_2).action_cancel(self.reason_client)
        self.book("2026-03-10 15:00", provider=self.bob, room=self.room_2, partner=self.client_2)  # next week
        rows = self.env["clinic.utilization"]._compute_utilization(weeks_back=1, weeks_ahead=1)
        week = datetime(2026, 3, 2).date()

        def row(**key):
            found = rows.filtered(lambda r: r.week == week and all(r[k] == v for k, v in key.items()))
            self.assertEqual(len(found), 1, key)
            return found

        alice = row(kind="provider", provider_id=self.alice, location_id=self.location)
        self.assertAlmostEqual(alice.available_hours, 40.0, msg="Monday to Friday 9:00-17:00")
        self.assertAlmostEqual(alice.booked_hours, 1.0, msg="the cancelled visit does not count")
        self.assertAlmostEqual(alice.utilization, 2.5)
        room_1 = row(kind="room", room_id=self.room_1)
        self.assertAlmostEqual((room_1.booked_hours, room_1.available_hours), (1.0, 40.0))
        self.assertEqual(row(kind="provider", provider_id=self.bob, location_id=self.location).booked_hours, 0.0)
        next_week = rows.filtered(lambda r: r.week == datetime(2026, 3, 9).date() and r.provider_id == self.bob
                                  and r.location_id == self.location)
        self.assertAlmostEqual(next_week.booked_hours, 0.5)
        again = self.env["clinic.utilization"]._compute_utilization(weeks_back=1, weeks_ahead=1)
        self.assertEqual(len(again), len(rows))
        self.assertFalse(rows.exists(), "rebuilt, not piled up")

    def test_managers_recompute_others_may_not(self):
        self.book("2026-03-02 15:00")
        self.env["clinic.utilization"].with_user(self.manager).action_refresh()
        self.assertTrue(self.env["clinic.utilization"].with_user(self.manager).search([]))
        with self.assertRaises(AccessError):
            self.env["clinic.utilization"].with_user(self.frontdesk).action_refresh()
