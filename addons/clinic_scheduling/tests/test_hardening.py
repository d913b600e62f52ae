import json
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import ClinicCase

# Context keys earlier versions read as switches (and any other a caller may try).
BYPASS_CONTEXT = {"clinic_state_change": True, "clinic_calendar_sync": True, "clinic_note_sign": True}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestNothingSwitchesARuleOff(ClinicCase):
    """A context key is not a permission: whatever a caller sets, protected fields change only
    inside the methods that own them."""

    def test_an_appointment_is_never_created_done_nor_back_dated_in_its_audit(self):
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk).with_context(**BYPASS_CONTEXT)
        values = {"partner_id": self.client.id, "service_id": self.talk.id, "provider_id": self.carol.id,
                  "location_id": self.location.id, "start": datetime(2026, 3, 3, 15, 0)}
        for protected in ({"state": "done"}, {"booked_at": datetime(2025, 1, 1)}, {"late_cancel": True},
                          {"name": "APT/FAKE/1"}, {"source": "portal"}, {"arrived_at": datetime(2026, 3, 3)}):
            with self.subTest(protected=protected), self.assertRaises(UserError):
                Appointment.create(dict(values, **protected))
        defaults = Appointment.with_context(default_state="done", default_booked_at="2025-01-01 00:00:00",
                                            default_source="portal", default_late_cancel=True)
        appointment = defaults.create(values)
        self.assertEqual((appointment.state, appointment.source, appointment.late_cancel), ("booked", "staff", False))
        self.assertEqual(appointment.booked_at, datetime(2026, 3, 2, 12, 0), "when it was really booked")

    def test_status_and_audit_fields_change_only_through_the_buttons(self):
        appointment = self.book("2026-03-03 15:00").with_user(self.frontdesk).with_context(**BYPASS_CONTEXT)
        for protected in ({"state": "done"}, {"late_cancel": True}, {"booked_at": datetime(2025, 1, 1)},
                          {"arrived_at": datetime(2026, 3, 3)}, {"name": "APT/FAKE/2"},
                          {"cancel_reason_id": self.reason_client.id}, {"series_id": False}):
            with self.subTest(protected=protected), self.assertRaises(UserError):
                appointment.write(protected)
        self.assertEqual(appointment.state, "booked")
        appointment.action_arrive()
        self.assertEqual((appointment.state, appointment.arrived_at), ("arrived", datetime(2026, 3, 2, 12, 0)))
        with self.assertRaises(UserError):
            appointment.action_confirm()  # an arrival is not confirmed afterwards

    def test_the_calendar_mirror_cannot_be_switched_off(self):
        appointment = self.book("2026-03-03 15:00")
        event = appointment.calendar_event_id
        moved = datetime(2026, 3, 3, 17, 0)
        appointment.with_user(self.frontdesk).with_context(**BYPASS_CONTEXT).write({"start": moved})
        self.assertEqual((event.start, event.stop), (moved, moved + timedelta(minutes=30)), "the event follows")
        with self.assertRaises(UserError):
            event.with_user(self.provider_user).with_context(**BYPASS_CONTEXT).unlink()
        self.assertTrue(event.exists())
        with self.assertRaises(UserError):
            appointment.with_user(self.frontdesk).with_context(**BYPASS_CONTEXT).write(
                {"calendar_event_id": False})

    def test_clients_are_told_whatever_the_context(self):
        appointment = self.env["clinic.appointment"].with_user(self.frontdesk).with_context(
            clinic_no_messages=True).create({
                "partner_id": self.client.id, "service_id": self.talk.id, "provider_id": self.carol.id,
                "location_id": self.location.id, "start": datetime(2026, 3, 4, 15, 0),
            })
        kinds = self.env["clinic.appointment.message"].search([("appointment_id", "=", appointment.id)]).mapped("kind")
        self.assertIn("confirmation", kinds, "only the superuser's scripts (generated history) stay silent")

    def test_providers_stay_in_their_lane(self):
        own = self.book("2026-03-03 15:00")  # Alice's, whose user is the provider
        as_provider = own.with_user(self.provider_user)
        with self.assertRaises(AccessError):
            as_provider.write({"provider_id": self.bob.id})
        with self.assertRaises(AccessError):
            as_provider.write({"partner_id": self.client_2.id})
        self.assertEqual(own.provider_id, self.alice)
        as_provider.write({"notes": "Bring the MRI report"})  # their own appointment, their own notes
        bobs = self.book("2026-03-03 17:00", provider=self.bob, room=self.room_2, partner=self.client_2)
        with self.assertRaises(AccessError):
            bobs.with_user(self.provider_user).write({"notes": "not mine"})
        own.with_user(self.frontdesk).write({"provider_id": self.bob.id, "room_id": self.room_1.id})
        self.assertEqual(own.provider_id, self.bob, "the front desk moves appointments between providers")


@tagged("post_install", "-at_install")
class TestNothingSwitchesARuleOffOverRpc(HttpCase):
    """The same attack as a JSON-RPC caller makes it: the context travels with the call."""

    def test_rpc_context_does_not_change_a_status(self):
        new_test_user(self.env, "t_rpc_desk", password="t_rpc_desk_pw",
                             groups="clinic_scheduling.group_clinic_frontdesk")
        location = self.env["clinic.location"].create({"name": "RPC Clinic", "tz": "UTC"})
        service = self.env["clinic.service"].create({"name": "RPC Physio", "duration": 30})
        provider = self.env["clinic.provider"].create({"name": "RPC Provider", "service_ids": [(6, 0, service.ids)]})
        client = self.env["res.partner"].create({"name": "RPC Client"})
        appointment = self.env["clinic.appointment"].create({
            "partner_id": client.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": datetime(2031, 1, 6, 10, 0),
        })
        self.authenticate("t_rpc_desk", "t_rpc_desk_pw")
        answer = self.url_open("/web/dataset/call_kw/clinic.appointment/write", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "params": {
                "model": "clinic.appointment", "method": "write", "args": [appointment.ids, {"state": "done"}],
                "kwargs": {"context": BYPASS_CONTEXT}},
        }), headers={"Content-Type": "application/json"}).json()
        self.assertIn("UserError", answer["error"]["data"]["name"])
        appointment.invalidate_recordset()
        self.assertEqual(appointment.state, "booked")
