
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
        self.assertGreater(lead, 9)
        self.assertEqual(rows[self.bob][0], 1)
        line = Report.search([("id", "=", visit.id)])
        self.assertEqual((line.weekday, line.hour), ("1", 10), "Monday, 10 o'clock local time")

    def test_only_managers_analyse(self):
        with self.assertRaises(AccessError):
            self.env["clinic.appointment.report"].with_user(self.frontdesk).search([])
