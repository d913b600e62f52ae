from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import ClinicCase

LONG_TEXT = "x" * 10_001
LONG_NAME = "x" * 257


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestBadInputGetsAClearMessage(ClinicCase):
    """Every value a web client or JSON-RPC caller can send to a public method: a wrong one is
    refused with a UserError saying what is expected, never a Python traceback, and nothing is
    written."""

    def appointment_values(self, **values):
        return dict({"partner_id": self.client.id, "service_id": self.talk.id, "provider_id": self.carol.id,
                     "location_id": self.location.id, "start": "2026-03-03 15:00:00"}, **values)

    def assertClearError(self, call, *args, **kwargs):
        before = self.env["clinic.appointment"].search_count([])
        with self.assertRaises(UserError) as caught:
            call(*args, **kwargs)
        self.assertTrue(str(caught.exception))
        self.assertEqual(self.env["clinic.appointment"].search_count([]), before, "nothing written")

    def test_appointment_values(self):
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        for values in (
            {"start": "9999-12-31 23:00:00"}, {"start": "0001-01-01 00:00:00"}, {"start": "1899-12-31 10:00:00"},
            {"start": "2040-01-01 10:00:00"}, {"start": "garbage"}, {"start": 12345},
            {"stop": "2026-03-05 15:00:00"},  # two days long
            {"buffer_before": 2 ** 31}, {"buffer_after": -5}, {"buffer_after": 600}, {"buffer_before": "10"},
            {"notes": LONG_TEXT}, {"provider_id": "abc"}, {"partner_id": 0}, {"room_id": "2"},
        ):
            with self.subTest(values=values):
                self.assertClearError(Appointment.create, self.appointment_values(**values))
        appointment = Appointment.create(self.appointment_values())
        for values in ({"start": "9999-12-31 23:00:00"}, {"start": "garbage"}, {"buffer_before": 2 ** 31},
                       {"notes": LONG_TEXT}, {"stop": datetime(2026, 3, 10, 15, 0)}):
            with self.subTest(write=values), self.assertRaises(UserError):
                appointment.write(values)
        self.assertEqual(appointment.start, datetime(2026, 3, 3, 15, 0))

    def test_day_view(self):
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        for kwargs in ({"day": "garbage"}, {"day": 20260303}, {"day": "9999-12-31"}, {"day": "0001-01-01"},
                       {"location_id": "abc"}, {"location_id": [1]}, {"mode": "month"}, {"provider_id": "1"}):
            with self.subTest(kwargs=kwargs):
                self.assertClearError(Appointment.get_day_view_data, **kwargs)
        appointment = self.book("2026-03-03 15:00").with_user(self.frontdesk)
        for args in ((self.bob.id, "garbage", 600), (self.bob.id, 12, 600), (self.bob.id, "2026-03-03", "600"),
                     (self.bob.id, "2026-03-03", 10 ** 9), (self.bob.id, "0001-01-01", 600),
                     ("abc", "2026-03-03", 600), (self.bob.id, "2026-03-03", -30)):
            with self.subTest(move=args), self.assertRaises(UserError):
                appointment.action_day_view_move(*args)
        self.assertEqual((appointment.start, appointment.provider_id), (datetime(2026, 3, 3, 15, 0), self.alice))

    def test_booking_wizard(self):
        Wizard = self.env["clinic.booking.wizard"].with_user(self.frontdesk)
        base = {"partner_id": self.client.id, "service_id": self.physio.id, "location_id": self.location.id}
        for values in ({"day": "garbage"}, {"day": "9999-12-31"}, {"day": "0001-01-01"}, {"day": 12},
                       {"from_time": 30}, {"from_time": "9"}):
            with self.subTest(values=values), self.assertRaises(UserError):
                Wizard.create(dict(base, **values))
        wizard = Wizard.create(dict(base, day=date(2026, 3, 3)))
        with self.assertRaises(UserError):
            wizard.write({"day": "garbage"})

    def test_cancel(self):
        appointment = self.book("2026-03-03 15:00").with_user(self.frontdesk)
        for kwargs in ({"reason": "abc"}, {"reason": 999_999}, {"reason": None}, {"reason": True},
                       {"reason": self.reason_client, "when": "garbage"}, {"reason": self.reason_client, "when": 12},
                       {"reason": self.reason_client, "when": "0001-01-01 00:00:00"},
                       {"reason": self.reason_client, "note": 123}, {"reason": self.reason_client, "note": LONG_TEXT}):
            with self.subTest(kwargs=kwargs), self.assertRaises(UserError):
                appointment.action_cancel(**kwargs)
        self.assertEqual(appointment.state, "booked")
        appointment.action_cancel(reason=self.reason_client.id, when="2026-03-02 11:00:00")
        self.assertEqual(appointment.cancelled_at, datetime(2026, 3, 2, 11, 0))

    def test_configuration(self):
        Service = self.env["clinic.service"].with_user(self.manager)
        for values in ({"buffer_before": 2 ** 31}, {"buffer_after": 100_000}, {"duration": 0}, {"duration": 2000},
                       {"slot_interval": "15"}, {"horizon_days": 10 ** 9}, {"name": LONG_NAME}):
            with self.subTest(values=values), self.assertRaises(UserError):
                Service.create(dict({"name": "Bad input service", "duration": 30}, **values))
        with self.assertRaises(UserError):
            self.env["clinic.location"].with_user(self.manager).create({"name": LONG_NAME, "tz": "UTC"})
        with self.assertRaises(UserError):
            self.client.with_user(self.frontdesk).clinic_alert = LONG_TEXT
