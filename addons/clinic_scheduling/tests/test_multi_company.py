from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import MultiCompanyCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestMultiCompanyRules(MultiCompanyCase):
    """One test per company rule: switching any of them off turns its test red."""

    def test_locations(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.location_b, self.location | self.other_location)

    def test_rooms(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.room_b, self.room_1 | self.annex_room)

    def test_providers(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.provider_b, self.alice | self.bob)

    def test_services(self):
        self.assertSeesOnlyItsCompany(self.desk_b, self.service_b, self.physio | self.talk)

    def test_appointments(self):
        ours = self.book("2026-03-03 15:00")
        self.assertSeesOnlyItsCompany(self.desk_b, self.appointment_b, ours)

    def test_case_files(self):
        Case = self.env["clinic.case"]
        ours = Case.create({"title": "Left knee", "partner_id": self.client.id, "provider_id": self.alice.id})
        theirs = Case.create({"title": "Right shoulder", "partner_id": self.client.id,
                              "provider_id": self.provider_b.id, "company_id": self.company_b.id})
        self.assertSeesOnlyItsCompany(self.desk_b, theirs, ours)

    def test_series(self):
        Series = self.env["clinic.appointment.series"]
        ours = Series.create({"partner_id": self.client.id, "service_id": self.physio.id,
                              "provider_id": self.alice.id, "location_id": self.location.id})
        theirs = Series.create({"partner_id": self.client.id, "service_id": self.service_b.id,
                                "provider_id": self.provider_b.id, "location_id": self.location_b.id})
        self.assertEqual(theirs.company_id, self.company_b)
        self.assertSeesOnlyItsCompany(self.desk_b, theirs, ours)

    def waitlists(self):
        Waitlist = self.env["clinic.waitlist"]
        ours = Waitlist.create({"partner_id": self.client.id, "service_id": self.talk.id})
        theirs = Waitlist.create({"partner_id": self.client.id, "service_id": self.service_b.id,
                                  "location_id": self.location_b.id, "company_id": self.company_b.id})
        return ours, theirs

    def test_waitlist(self):
        ours, theirs = self.waitlists()
        self.assertSeesOnlyItsCompany(self.desk_b, theirs, ours)

    def test_waitlist_offers(self):
        ours, theirs = self.waitlists()
        Offer = self.env["clinic.waitlist.offer"]
        values = {"start": datetime(2026, 3, 4, 15, 0), "stop": datetime(2026, 3, 4, 15, 50),
                  "expires_at": datetime(2026, 3, 3, 0, 0)}
        our_offer = Offer.create(dict(values, waitlist_id=ours.id, provider_id=self.carol.id,
                                      location_id=self.location.id))
        their_offer = Offer.create(dict(values, waitlist_id=theirs.id, provider_id=self.provider_b.id,
                                        location_id=self.location_b.id))
        self.assertSeesOnlyItsCompany(self.desk_b, their_offer, our_offer)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestMultiCompanyConsistency(MultiCompanyCase):
    """Records of one company never point at another company's (check_company), and the engine
    and the waitlist keep to each company's own locations."""

    def test_a_booking_never_mixes_companies(self):
        """Each of these would be a valid booking at Main but for the company of one of its records."""
        vals = {"partner_id": self.client_2.id, "service_id": self.talk.id, "provider_id": self.carol.id,
                "location_id": self.location.id, "start": datetime(2026, 3, 4, 15, 0)}
        floater_b = self.env["clinic.provider"].create({
            "name": "Flo Floater", "company_id": self.company_b.id, "service_ids": [Command.set(self.talk.ids)],
        })
        self.carol.service_ids |= self.service_b
        case_b = self.env["clinic.case"].create({"title": "West case", "partner_id": self.client_2.id,
                                                 "company_id": self.company_b.id})
        client_b = self.env["res.partner"].create({"name": "Westside-only client", "company_id": self.company_b.id})
        # Someone who works for both companies sees the records of both: only the company check stops them.
        both = new_test_user(self.env, "t_desk_both", groups="clinic_scheduling.group_clinic_frontdesk",
                             company_id=self.company.id, company_ids=[Command.set((self.company | self.company_b).ids)])
        Appointment = self.env["clinic.appointment"].with_user(both).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id])
        for field, value in (("provider_id", floater_b.id), ("service_id", self.service_b.id),
                             ("case_id", case_b.id), ("partner_id", client_b.id)):
            with self.subTest(field=field), self.assertRefused(UserError, "Incompatible companies"):
                Appointment.create(dict(vals, **{field: value}))
        booked = Appointment.create(vals)
        with self.assertRefused(UserError, "Incompatible companies"):
            booked.write({"case_id": case_b.id})

    def test_configuration_never_mixes_companies(self):
        with self.assertRefused(UserError, "Incompatible companies"):
            self.env["clinic.room"].create({"name": "Stray room", "location_id": self.location_b.id})
        with self.assertRefused(UserError, "Incompatible companies"):
            self.alice.location_ids = self.location_b
        with self.assertRefused(UserError, "Incompatible companies"):
            self.env["clinic.waitlist"].create({"partner_id": self.client.id, "service_id": self.talk.id,
                                                "location_id": self.location_b.id})
        with self.assertRefused(UserError, "Incompatible companies"):
            self.env["clinic.case"].create({"title": "Mixed", "partner_id": self.client.id,
                                            "provider_id": self.provider_b.id})

    def test_a_provider_without_locations_works_at_its_own_company_only(self):
        shared = self.env["clinic.service"].create({"name": "Shared assessment", "duration": 30,
                                                    "company_id": False})
        floater_b = self.env["clinic.provider"].create({
            "name": "Flo Floater", "company_id": self.company_b.id, "resource_calendar_id": self.calendar.id,
            "tz": self.tz, "service_ids": [Command.set(shared.ids)],
        })
        (self.carol | self.provider_b).service_ids |= shared
        slots = shared._get_available_slots(datetime(2026, 3, 4, 14, 0), datetime(2026, 3, 4, 14, 1), online=False)
        self.assertEqual({(s["provider_id"], s["location_id"]) for s in slots}, {
            (self.carol.id, self.location.id), (self.provider_b.id, self.location_b.id),
            (floater_b.id, self.location_b.id),
        })
        at_main = shared._get_available_slots(datetime(2026, 3, 4, 14, 0), datetime(2026, 3, 4, 14, 1),
                                              location_id=self.location.id, online=False)
        self.assertEqual({s["provider_id"] for s in at_main}, {self.carol.id})

    def test_waitlist_offers_keep_to_the_entry_company(self):
        shared = self.env["clinic.service"].create({"name": "Shared assessment", "duration": 30,
                                                    "company_id": False})
        self.provider_b.service_ids |= shared
        self.carol.service_ids |= shared
        Waitlist = self.env["clinic.waitlist"]
        ours = Waitlist.create({"partner_id": self.client.id, "service_id": shared.id,
                                "date_from": date(2026, 3, 4), "date_to": date(2026, 3, 4)})
        theirs = Waitlist.create({"partner_id": self.client_2.id, "service_id": shared.id,
                                  "company_id": self.company_b.id,
                                  "date_from": date(2026, 3, 4), "date_to": date(2026, 3, 4)})
        Waitlist._cron_waitlist()
        self.assertEqual((ours.offer_ids.location_id, ours.offer_ids.provider_id), (self.location, self.carol))
        self.assertEqual((theirs.offer_ids.location_id, theirs.offer_ids.provider_id),
                         (self.location_b, self.provider_b))
