from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.clinic_scheduling.exceptions import SlotTaken

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestBookSlot(ClinicCase):
    """``clinic.appointment._book_slot``: the one way a slot becomes an appointment."""

    def slot(self, start="2026-03-03 15:00", provider=None, service=None):
        start = datetime.strptime(start, "%Y-%m-%d %H:%M")
        slots = (service or self.physio)._get_available_slots(
            start, start + timedelta(seconds=1), provider_ids=(provider or self.alice).ids,
            location_id=self.location.id, online=False,
        )
        self.assertTrue(slots, "the engine offers it")
        return slots[0]

    def test_books_the_slot_with_the_callers_values(self):
        case = self.env["clinic.case"].create({"partner_id": self.client.id, "title": "Knee"})
        slot = self.slot()
        appointment = self.env["clinic.appointment"].with_user(self.frontdesk)._book_slot(
            self.physio, slot, self.client, "staff", case_id=case.id, notes="Parking at the back",
        )
        self.assertEqual(
            (appointment.start, appointment.stop, appointment.provider_id.id, appointment.room_id.id),
            (slot["start"], slot["stop"], slot["provider_id"], slot["room_id"]),
        )
        self.assertEqual((appointment.partner_id, appointment.source, appointment.state),
                         (self.client, "staff", "booked"))
        self.assertEqual((appointment.case_id, appointment.notes), (case, "Parking at the back"))

    def test_a_taken_slot_says_why_and_offers_the_next_free_times(self):
        slot = self.slot()
        self.book("2026-03-03 15:00", partner=self.client_2)  # takes Alice and room 1 at 10:00
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        with self.assertRaises(SlotTaken) as caught:
            Appointment._book_slot(self.physio, slot, self.client, "staff")
        error = caught.exception
        self.assertRegex(str(error), r"Alice Physio is already booked from .* by appointment APT/")
        self.assertIn("Next free times:", str(error))
        self.assertEqual(len(error.alternatives), 3)
        for alternative in error.alternatives:
            self.assertEqual(set(alternative), {"start", "stop", "provider_id", "location_id", "room_id"})
            if alternative["provider_id"] == self.alice.id:
                self.assertFalse(alternative["start"] < datetime(2026, 3, 3, 15, 40)
                                 and datetime(2026, 3, 3, 15, 0) < alternative["stop"], "not the taken time")
        self.assertFalse(Appointment.search([("partner_id", "=", self.client.id)]), "nothing left behind")

    def test_online_clients_are_not_told_who_took_the_time(self):
        self.physio.min_notice_hours = 0
        slot = self.slot()
        self.book("2026-03-03 15:00", partner=self.client_2)
        with self.assertRaises(SlotTaken) as caught:
            self.env["clinic.appointment"]._book_slot(self.physio, slot, self.client, "portal")
        self.assertIn("This time was just taken.", str(caught.exception))
        self.assertNotIn("APT/", str(caught.exception))
        self.assertNotIn(self.client_2.name, str(caught.exception))

    def test_a_rule_of_another_addon_refuses_and_nothing_is_written(self):
        slot = self.slot()
        Appointment = type(self.env["clinic.appointment"])

        def refuse(self, service, slot, partner, source, values):
            raise UserError(self.env._("Authorization exhausted"))

        with patch.object(Appointment, "_book_slot_check", refuse), self.assertRaisesRegex(UserError, "exhausted"):
            self.env["clinic.appointment"]._book_slot(self.physio, slot, self.client, "staff")
        self.assertFalse(self.env["clinic.appointment"].search([("partner_id", "=", self.client.id)]))
        # The caller's transaction goes on: the same slot books once the rule allows it.
        self.assertTrue(self.env["clinic.appointment"]._book_slot(self.physio, slot, self.client, "staff"))

    def test_wrong_calls_get_a_clear_error(self):
        Appointment = self.env["clinic.appointment"]
        slot = self.slot()
        wrong_calls = [
            (self.physio.id, slot, self.client, {}),
            (self.physio, slot, self.client.id, {}),
            (self.physio | self.massage, slot, self.client, {}),
            (self.physio, dict(slot, start="2026-03-03 15:00"), self.client, {}),
            (self.physio, {"start": slot["start"]}, self.client, {}),
            (self.physio, dict(slot, provider_id="2"), self.client, {}),
            (self.physio, slot, self.client, {"state": "done"}),
            (self.physio, slot, self.client, {"start": slot["start"]}),
        ]
        for service, wrong_slot, partner, values in wrong_calls:
            with self.subTest(values=values), self.assertRaises(UserError):
                Appointment._book_slot(service, wrong_slot, partner, "staff", **values)
        with self.assertRaises(UserError):
            Appointment._book_slot(self.physio, slot, self.client, "somewhere")
        self.assertFalse(Appointment.search([("partner_id", "=", self.client.id)]))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestBookSlotRpc(ClinicCase):
    """``book_slot``: the same booking for the front desk's integrations over JSON-RPC."""

    def test_books_a_free_slot(self):
        result = self.env["clinic.appointment"].with_user(self.frontdesk).book_slot(
            self.physio.id, self.client.id, "2026-03-03 15:00:00", self.alice.id, location_id=self.location.id,
        )
        appointment = self.env["clinic.appointment"].browse(result["id"])
        self.assertEqual((appointment.start, appointment.provider_id, appointment.room_id),
                         (datetime(2026, 3, 3, 15, 0), self.alice, self.room_1))
        self.assertEqual(result["name"], appointment.name)

    def test_a_time_that_is_not_free(self):
        self.book("2026-03-03 15:00", partner=self.client_2)
        with self.assertRaises(SlotTaken) as caught:
            self.env["clinic.appointment"].with_user(self.frontdesk).book_slot(
                self.physio.id, self.client.id, "2026-03-03 15:00:00", self.alice.id, location_id=self.location.id,
                room_id=self.room_1.id,
            )
        self.assertIn("Next free times:", str(caught.exception))
        self.assertTrue(caught.exception.alternatives)

    def test_bad_input_gets_a_clear_error(self):
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        ok = (self.physio.id, self.client.id, "2026-03-03 15:00:00", self.alice.id)
        for index, wrong in ((0, "abc"), (1, 9_999_999), (2, "garbage"), (2, "9999-12-31 23:00:00"),
                             (2, "0001-01-01 00:00:00"), (2, 12), (3, None), (3, True)):
            args = list(ok)
            args[index] = wrong
            with self.subTest(args=args), self.assertRaises(UserError):
                Appointment.book_slot(*args)
        for kwargs in ({"notes": ["not", "text"]}, {"notes": "x" * 10_001}, {"location_id": "1"},
                       {"room_id": [self.room_1.id]}, {"case_id": -3}):
            with self.subTest(kwargs=kwargs), self.assertRaises(UserError):
                Appointment.book_slot(*ok, **kwargs)
        self.assertFalse(self.env["clinic.appointment"].search([("partner_id", "=", self.client.id)]),
                         "nothing booked")

    def test_providers_cannot_book(self):
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.env["clinic.appointment"].with_user(self.provider_user).book_slot(
                self.physio.id, self.client.id, "2026-03-03 15:00:00", self.alice.id,
            )
