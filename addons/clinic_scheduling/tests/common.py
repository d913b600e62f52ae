from contextlib import contextmanager
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user

# What clinic_charting's insights add when it is installed: the visit's service's intake and consent
# forms (one query; nothing more when the service has none, as in these tests). Pinned by the
# insights tests of scheduling and billing, which run with every addon installed too.
CHARTING_INSIGHT_QUERIES = 1


class ExactQueryCountMixin:
    """``assertQueryCount`` only fails on more queries than expected (fewer are merely logged):
    ``assertQueryCountExactly`` fails both ways, so that a pinned count says what the code does and a
    query that disappears (a check skipped, a read forgotten) is noticed too. Use it with ``@warmup``
    so that Odoo's own caches are in the same state whatever ran before."""

    @contextmanager
    def assertQueryCountExactly(self, expected):
        # What is pending is written first (tracking and bus notifications included), and the cache
        # emptied, as at the start of a request or a job.
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        counter = {}
        with self.assertQueryCount(expected):
            counter["start"] = self.cr.sql_log_count
            yield counter
        counter["count"] = self.cr.sql_log_count - counter["start"]
        if self.warm:
            self.assertEqual(counter["count"], expected, "number of SQL queries")


class ClinicCase(ExactQueryCountMixin, TransactionCase):
    """A small clinic: one location in Toronto time, two rooms, three services, three providers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.company = cls.env.company
        cls.tz = "America/Toronto"
        cls.frontdesk = new_test_user(cls.env, "t_frontdesk", groups="clinic_scheduling.group_clinic_frontdesk")
        cls.provider_user = new_test_user(cls.env, "t_provider", groups="clinic_scheduling.group_clinic_provider")
        cls.manager = new_test_user(cls.env, "t_manager", groups="clinic_scheduling.group_clinic_manager")
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Weekdays 9-17",
            "tz": cls.tz,
            "attendance_ids": [
                Command.create({"name": str(day), "dayofweek": str(day), "hour_from": 9, "hour_to": 17})
                for day in range(5)
            ],
        })
        cls.location = cls.env["clinic.location"].create({"name": "Main", "tz": cls.tz})
        cls.other_location = cls.env["clinic.location"].create({"name": "Annex", "tz": cls.tz})
        cls.table = cls.env["clinic.room.tag"].create({"name": "Table (test)"})
        cls.room_1, cls.room_2 = cls.env["clinic.room"].create([
            {"name": name, "location_id": cls.location.id, "tag_ids": [Command.set(cls.table.ids)]}
            for name in ("Room 1", "Room 2")
        ])
        cls.annex_room = cls.env["clinic.room"].create({"name": "Annex Room", "location_id": cls.other_location.id})
        cls.physio = cls.env["clinic.service"].create({
            "name": "Physio follow-up", "duration": 30, "buffer_after": 10,
            "room_required": True, "room_tag_ids": [Command.set(cls.table.ids)], "late_cancel_hours": 24,
        })
        cls.massage = cls.env["clinic.service"].create({
            "name": "Massage 60", "duration": 60, "buffer_before": 5, "buffer_after": 10, "room_required": True,
        })
        cls.talk = cls.env["clinic.service"].create({"name": "Counselling", "duration": 50})
        cls.annex_only = cls.env["clinic.service"].create({
            "name": "Hydrotherapy", "duration": 45, "location_ids": [Command.set(cls.other_location.ids)],
        })
        provider_vals = {
            "resource_calendar_id": cls.calendar.id, "tz": cls.tz,
            "location_ids": [Command.set((cls.location | cls.other_location).ids)],
        }
        cls.alice = cls.env["clinic.provider"].create(dict(
            provider_vals, name="Alice Physio", user_id=cls.provider_user.id,
            service_ids=[Command.set((cls.physio | cls.massage | cls.annex_only).ids)],
        ))
        cls.bob = cls.env["clinic.provider"].create(dict(
            provider_vals, name="Bob Massage", service_ids=[Command.set((cls.physio | cls.massage).ids)],
        ))
        cls.carol = cls.env["clinic.provider"].create(dict(
            provider_vals, name="Carol Counsellor", service_ids=[Command.set(cls.talk.ids)],
            location_ids=[Command.set(cls.location.ids)],
        ))
        cls.client = cls.env["res.partner"].create({"name": "Jane Client", "email": "jane@example.com"})
        cls.client_2 = cls.env["res.partner"].create({"name": "John Client"})
        cls.reason_client = cls.env.ref("clinic_scheduling.cancel_reason_client_request")
        cls.reason_clinic = cls.env.ref("clinic_scheduling.cancel_reason_provider_unavailable")

    def book(self, start, provider=None, service=None, room=None, partner=None, **values):
        """Book at a naive UTC datetime (or 'YYYY-MM-DD HH:MM' string)."""
        if isinstance(start, str):
            start = datetime.strptime(start, "%Y-%m-%d %H:%M")
        service = service or self.physio
        if room is None and service.room_required:
            room = self.room_1
        return self.env["clinic.appointment"].create(dict(
            values,
            partner_id=(partner or self.client).id,
            service_id=service.id,
            provider_id=(provider or self.alice).id,
            location_id=values.get("location_id", self.location.id),
            room_id=room.id if room else False,
            start=start,
        ))

    def installed(self, module):
        """Whether ``module`` is installed: an addon that extends a pinned path adds its own queries."""
        return self.env["ir.module.module"]._get(module).state == "installed"

    def night_provider(self, hour_from=0.0, hour_to=6.0):
        """A provider who works Sunday nights at Main (a sleep clinic's hours), so that Toronto's
        daylight-saving changes (2:00 on 8 March and 1 November 2026) fall inside working hours;
        with a 30-minute service of their own."""
        calendar = self.env["resource.calendar"].create({
            "name": "Sunday night", "tz": self.tz,
            "attendance_ids": [Command.create({"name": "Sunday night", "dayofweek": "6",
                                               "hour_from": hour_from, "hour_to": hour_to})],
        })
        service = self.env["clinic.service"].create({"name": "Sleep check", "duration": 30, "slot_interval": 30})
        return self.env["clinic.provider"].create({
            "name": "Nadia Night", "resource_calendar_id": calendar.id, "tz": self.tz,
            "service_ids": [Command.set(service.ids)], "location_ids": [Command.set(self.location.ids)],
        })

    @contextmanager
    def assertRefused(self, exception, pattern):
        """assertRaises (which rolls back what the failed call wrote) plus a check of the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()


class MultiCompanyCase(ClinicCase):
    """ClinicCase's clinic belongs to the main company; a second clinic company, Westside, has its
    own location, room, service, provider and bookings, and a front desk that works only there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Westside Physio Inc."})
        cls.desk_b = new_test_user(
            cls.env, "t_desk_west", groups="clinic_scheduling.group_clinic_frontdesk",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.location_b = cls.env["clinic.location"].create(
            {"name": "Westside", "tz": cls.tz, "company_id": cls.company_b.id}
        )
        cls.room_b = cls.env["clinic.room"].create(
            {"name": "West Room", "location_id": cls.location_b.id, "company_id": cls.company_b.id}
        )
        cls.service_b = cls.env["clinic.service"].create(
            {"name": "West Physio", "duration": 30, "company_id": cls.company_b.id}
        )
        cls.provider_b = cls.env["clinic.provider"].create({
            "name": "Wes Provider", "company_id": cls.company_b.id, "resource_calendar_id": cls.calendar.id,
            "tz": cls.tz, "service_ids": [Command.set(cls.service_b.ids)],
            "location_ids": [Command.set(cls.location_b.ids)],
        })
        cls.appointment_b = cls.env["clinic.appointment"].create({
            "partner_id": cls.client.id, "service_id": cls.service_b.id, "provider_id": cls.provider_b.id,
            "location_id": cls.location_b.id, "room_id": cls.room_b.id, "start": datetime(2026, 3, 3, 15, 0),
        })

    def assertSeesOnlyItsCompany(self, user, theirs, others):
        """``user`` finds the records of their company (``theirs``) and can neither find nor read
        another company's (``others``)."""
        self.assertTrue(theirs and others)
        Model = self.env[others._name].with_user(user)
        self.assertEqual(Model.search([("id", "in", (theirs | others).ids)]), theirs)
        self.assertEqual(theirs.with_user(user).read(["display_name"])[0]["id"], theirs[0].id)
        with self.assertRaises(AccessError):
            others.with_user(user).read(["display_name"])
