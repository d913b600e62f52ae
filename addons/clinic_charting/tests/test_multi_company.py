from datetime import datetime

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.clinic_scheduling.tests.common import MultiCompanyCase

from .common import new_note


@tagged("post_install", "-at_install")
@freeze_time("2026-03-03 16:00:00")
class TestChartMultiCompany(MultiCompanyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider_user_b = new_test_user(
            cls.env, "t_chart_west", groups="clinic_scheduling.group_clinic_provider",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.provider_b.user_id = cls.provider_user_b
        appointment_a = cls.book(cls, datetime(2026, 3, 3, 15, 0))
        Note = cls.env["clinic.note"]
        cls.note_a = new_note(Note, appointment_a, assessment="<p>Knee: better</p>")
        cls.note_b = new_note(Note, cls.appointment_b, {"company_id": cls.company_b.id},
                              assessment="<p>Shoulder: same</p>")

    def test_notes(self):
        self.assertSeesOnlyItsCompany(self.provider_user_b, self.note_b, self.note_a)

    def test_addenda(self):
        (self.note_a | self.note_b).action_sign()
        Addendum = self.env["clinic.note.addendum"]
        ours = Addendum.create({"note_id": self.note_a.id, "body": "<p>Correction: left knee</p>"})
        theirs = Addendum.create({"note_id": self.note_b.id, "body": "<p>Correction: right shoulder</p>"})
        self.assertEqual(theirs.company_id, self.company_b)
        self.assertSeesOnlyItsCompany(self.provider_user_b, theirs, ours)

    def test_a_note_belongs_to_the_company_of_its_appointment(self):
        """A provider working for both companies, in the main one at the moment, writes the note of
        their Westside appointment: it is Westside's, and Westside's clinic manager reads it (a
        draft stays with its author among providers)."""
        both = new_test_user(
            self.env, "t_chart_both", groups="clinic_scheduling.group_clinic_provider",
            company_id=self.company.id, company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        self.provider_b.user_id = both
        appointment = self.env["clinic.appointment"].create({
            "partner_id": self.client_2.id, "service_id": self.service_b.id, "provider_id": self.provider_b.id,
            "location_id": self.location_b.id, "start": datetime(2026, 3, 4, 15, 0),
        })
        action = appointment.with_user(both).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]).action_open_note()
        note = self.env["clinic.note"].browse(action["res_id"])
        self.assertEqual(note.company_id, self.company_b)
        manager_b = new_test_user(
            self.env, "t_chart_west_manager", groups="clinic_scheduling.group_clinic_manager",
            company_id=self.company_b.id, company_ids=[Command.set(self.company_b.ids)],
        )
        self.assertEqual(self.env["clinic.note"].with_user(manager_b).search([("id", "=", note.id)]), note)
