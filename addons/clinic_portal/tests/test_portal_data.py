import json
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

# What a client may read of their own appointment (the portal shows these, and JSON-RPC reaches no more).
CLIENT_FIELDS = ["name", "start", "stop", "state", "service_id", "provider_id", "location_id", "room_id",
                 "partner_id", "cancel_reason_id"]
STAFF_ONLY = ["notes", "cancel_note", "client_alert", "overbooked", "booking_insights_html", "source", "booked_at",
              "arrived_at", "late_cancel", "case_id", "series_id", "calendar_event_id", "message_queue_ids",
              "buffer_before", "buffer_after",
              # clinic_billing's (the portal depends on it): the plan, charges and usage are the clinic's.
              "authorization_id", "charge_ids", "usage_ids", "billing_state", "invoice_count"]


@tagged("post_install", "-at_install")
class TestClientSeesOnlyTheirs(TransactionCase):
    """A client (portal user) reads their own appointments, only what is theirs to see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env["res.partner"].create({"name": "Acme Ltd", "is_company": True})
        cls.alex = new_test_user(cls.env, "t_data_alex", groups="base.group_portal", name="Alex Acme")
        cls.sam = new_test_user(cls.env, "t_data_sam", groups="base.group_portal", name="Sam Acme")
        (cls.alex.partner_id | cls.sam.partner_id).write({"parent_id": company.id})
        cls.alex.partner_id.write({"clinic_alert": "Anxious about needles", "birthdate": "1980-05-01"})
        cls.sam.partner_id.write({"birthdate": "1975-01-02"})
        location = cls.env["clinic.location"].create({"name": "Data Clinic", "tz": "UTC"})
        service = cls.env["clinic.service"].create({"name": "Data Physio", "duration": 30})
        provider = cls.env["clinic.provider"].create({
            "name": "Data Provider", "service_ids": [Command.set(service.ids)],
        })
        cls.alex_visit, cls.sam_visit = cls.env["clinic.appointment"].create([{
            "partner_id": partner.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": start, "notes": "Front desk: pays cash",
        } for partner, start in ((cls.alex.partner_id, datetime(2030, 1, 7, 10)),
                                 (cls.sam.partner_id, datetime(2030, 1, 7, 11)))])

    def test_colleagues_under_one_company_do_not_see_each_others_appointments(self):
        Appointment = self.env["clinic.appointment"].with_user(self.alex)
        self.assertEqual(Appointment.search([]), self.alex_visit)
        with self.assertRaises(AccessError):
            self.sam_visit.with_user(self.alex).read(["name"])

    def test_a_client_reads_the_portal_fields_and_nothing_else(self):
        visit = self.alex_visit.with_user(self.alex)
        self.assertEqual(visit.read(CLIENT_FIELDS)[0]["name"], self.alex_visit.name)
        for field in STAFF_ONLY:
            with self.subTest(field=field), self.assertRaises(AccessError):
                visit.read([field])
        readable = set(self.env["clinic.appointment"].with_user(self.alex).fields_get())
        self.assertFalse(readable & set(STAFF_ONLY), "not even listed to a client")

    def test_the_clients_clinic_record_is_staff_only(self):
        partner = self.alex.partner_id.with_user(self.alex)
        for field in ("clinic_alert", "birthdate", "clinic_no_show_count", "clinic_appointment_ids", "clinic_client"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                partner.read([field])
        # The pickers' context key asks for details (birth date): it does not show them to a client.
        colleague = self.sam.partner_id.with_user(self.alex).with_context(clinic_client_details=True)
        self.assertEqual(colleague.display_name, "Acme Ltd, Sam Acme")
        names = dict(self.env["res.partner"].with_user(self.alex).with_context(
            clinic_client_details=True).name_search("Sam Acme"))
        self.assertNotIn("1975", " ".join(names.values()))


@tagged("post_install", "-at_install")
class TestClientSeesOnlyTheirsOverRpc(HttpCase):
    """The same over JSON-RPC, as an integrator or a curious client would ask."""

    def test_rpc_read_of_staff_fields_is_refused(self):
        alex = new_test_user(self.env, "t_rpc_alex", password="t_rpc_alex_pw", groups="base.group_portal")
        location = self.env["clinic.location"].create({"name": "RPC Clinic", "tz": "UTC"})
        service = self.env["clinic.service"].create({"name": "RPC Physio", "duration": 30})
        provider = self.env["clinic.provider"].create({
            "name": "RPC Provider", "service_ids": [Command.set(service.ids)],
        })
        visit = self.env["clinic.appointment"].create({
            "partner_id": alex.partner_id.id, "service_id": service.id, "provider_id": provider.id,
            "location_id": location.id, "start": datetime(2030, 1, 7, 10), "notes": "Front desk only",
        })
        self.authenticate("t_rpc_alex", "t_rpc_alex_pw")

        def read(fields_list):
            return self.url_open("/web/dataset/call_kw/clinic.appointment/read", data=json.dumps({
                "jsonrpc": "2.0", "method": "call", "params": {
                    "model": "clinic.appointment", "method": "read", "args": [visit.ids, fields_list], "kwargs": {}},
            }), headers={"Content-Type": "application/json"})

        refused = read(["notes"])
        self.assertIn("AccessError", refused.json()["error"]["data"]["name"])
        self.assertNotIn("Front desk only", refused.text)
        self.assertEqual(read(CLIENT_FIELDS).json()["result"][0]["name"], visit.name)
