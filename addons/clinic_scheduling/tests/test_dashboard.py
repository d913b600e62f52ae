from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-04 16:00:00")  # Wednesday 11:00 in Toronto
class TestDashboard(ClinicCase):

    def test_location_card_figures_and_drill_down(self):
        with freeze_time("2026-03-01 12:00:00"):
            early = self.book("2026-03-04 14:00")  # today 9:00
            here = self.book("2026-03-04 15:30", room=self.room_2)  # today 10:30
            later = self.book("2026-03-04 20:00")  # today 15:00
            missed = self.book("2026-03-02 15:00")  # Monday
            dropped = self.book("2026-03-05 15:00")  # tomorrow
            self.book("2026-03-11 15:00")  # next week
        early.action_arrive()
        early.action_done()
        here.action_arrive()
        missed.action_no_show()
        dropped.action_cancel(self.reason_client)
        self.env["clinic.waitlist"].create({
            "partner_id": self.client_2.id, "service_id": self.talk.id, "provider_ids": [Command.set(self.carol.ids)],
        })
        self.env["clinic.utilization"]._compute_utilization(weeks_back=0, weeks_ahead=0)
        card = self.location.with_user(self.manager)
        self.assertEqual((card.dash_today_count, card.dash_in_clinic_count), (3, 1))
        self.assertEqual((card.dash_week_no_show_count, card.dash_week_cancel_count), (1, 1))
        self.assertEqual(card.dash_waitlist_count, 1)
        # 1.5 hours booked (9:00, 10:30 and 15:00 today; the no-show and the cancellation do not count)
        # out of 3 providers x 40 hours at Main this week.
        self.assertAlmostEqual(card.dash_utilization, 100 * 1.5 / 120)
        today = self.env["clinic.appointment"].search(card.action_dash_today()["domain"])
        self.assertEqual(today, early | here | later)
        self.assertEqual(self.env["clinic.appointment"].search(card.action_dash_week_no_shows()["domain"]),
                         missed | dropped)
        self.assertEqual(self.other_location.dash_today_count, 0)
