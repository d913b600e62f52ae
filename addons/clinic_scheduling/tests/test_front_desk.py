from datetime import date, datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")  # Monday 7:00 in Toronto
class TestFrontDeskEveryday(ClinicCase):
    """What the front desk meets on day one, outside the browser tours."""

    def test_cancel_from_anywhere_opens_a_complete_window_action(self):
        appointment = self.book("2026-03-03 15:00")
        action = appointment.with_user(self.frontdesk).action_open_cancel_wizard()
        self.assertEqual(action["views"], [(False, "form")], "the web client needs views to open it")
        self.assertEqual((action["res_model"], action["target"]), ("clinic.appointment.cancel", "new"))

    def test_blocked_time_of_a_provider_with_a_login(self):
        self.assertTrue(self.alice.user_id, "Alice logs in to Odoo")
        Leave = self.env["resource.calendar.leaves"]
        blocked = Leave.with_user(self.frontdesk).create({
            "name": "Team meeting", "time_type": "other", "resource_id": self.alice.resource_id.id,
            "date_from": datetime(2026, 3, 3, 14, 0), "date_to": datetime(2026, 3, 3, 15, 0),
        })
        # What the web client does after saving: read the record back.
        self.assertEqual(blocked.with_user(self.frontdesk).read(["name"])[0]["name"], "Team meeting")
        for user in (self.frontdesk, self.manager, self.env.ref("base.user_admin")):
            found = Leave.with_user(user).search([("resource_id", "=", self.alice.resource_id.id)])
            self.assertIn(blocked, found, user.login)
        colleague = new_test_user(self.env, "t_colleague", groups="clinic_scheduling.group_clinic_provider")
        self.assertIn(blocked, Leave.with_user(colleague).search([]), "the team sees who is in a meeting")
        with self.assertRaises(AccessError):
            blocked.with_user(colleague).write({"name": "Not my meeting"})
        with self.assertRaises(AccessError):
            Leave.with_user(self.frontdesk).create({
                "name": "Vacation", "time_type": "leave", "resource_id": self.alice.resource_id.id,
                "date_from": datetime(2026, 4, 1, 5, 0), "date_to": datetime(2026, 4, 8, 5, 0),
            })

    def test_wizard_lists_slots_from_the_clicked_time(self):
        wizard = self.env["clinic.booking.wizard"].with_user(self.frontdesk).create({
            "partner_id": self.client.id, "service_id": self.physio.id, "provider_id": self.alice.id,
            "location_id": self.location.id, "day": date(2026, 3, 3), "from_time": 14.5,
        })
        self.assertEqual(wizard.slot_ids[0].start, datetime(2026, 3, 3, 19, 30), "14:30 in Toronto")
        self.assertEqual(wizard.slot_ids[0].time_label, "14:30")
        self.assertEqual(len(wizard.slot_ids), 9, "14:30 to 16:30, every 15 minutes")
        wizard.action_next_day()
        self.assertEqual((wizard.day, wizard.from_time), (date(2026, 3, 4), 0.0), "paging shows the whole day")
        self.assertEqual(wizard.slot_ids[0].time_label, "09:00")
        with self.assertRaises(ValidationError):
            wizard.from_time = 25

    def test_booking_after_editing_the_wizard(self):
        """The wizard's slots are new records after each edit: booking one must still work (the
        server side; the web client's gesture is the booking-wizard tour)."""
        with Form(self.env["clinic.booking.wizard"].with_user(self.frontdesk)) as form:
            form.partner_id = self.client
            form.service_id = self.physio
            form.day = date(2026, 3, 4)
            form.provider_id = self.bob
            form.location_id = self.location
            self.assertEqual(len(form.slot_ids), 31, "9:00 to 16:30, shown as new records, not saved yet")
        wizard = form.record
        slot = wizard.slot_ids[0]
        self.assertEqual((slot.provider_id, slot.time_label), (self.bob, "09:00"))
        appointment = self.env["clinic.appointment"].browse(slot.action_book()["res_id"])
        self.assertEqual((appointment.provider_id, appointment.start), (self.bob, datetime(2026, 3, 4, 14, 0)))

    def test_clients_told_apart_in_pickers(self):
        twins = self.env["res.partner"].create([
            {"name": "Alex Martin", "birthdate": date(1980, 5, 1)},
            {"name": "Alex Martin", "phone": "+1 613-555-0111"},
            {"name": "Alex Martin"},
        ])
        Partner = self.env["res.partner"].with_user(self.frontdesk).with_context(clinic_client_details=True)
        names = {pid: name for pid, name in Partner.name_search("Alex Martin")}
        self.assertEqual(names[twins[0].id], "Alex Martin (05/01/1980)")
        self.assertEqual(names[twins[1].id], "Alex Martin (+1 613-555-0111)")
        self.assertEqual(names[twins[2].id], "Alex Martin")
        self.assertEqual(twins[0].with_user(self.frontdesk).display_name, "Alex Martin", "only in the pickers")

    def test_new_client_form_from_the_pickers(self):
        view = self.env.ref("clinic_scheduling.res_partner_view_form_clinic_client")
        with Form(self.env["res.partner"].with_user(self.frontdesk).with_context(
                default_clinic_client=True, default_is_company=False), view=view) as form:
            form.name = "Nadia Newclient"
            form.birthdate = date(1990, 4, 12)
            form.email = "nadia@example.com"
        client = form.record
        self.assertEqual((client.clinic_client, client.is_company, client.birthdate),
                         (True, False, date(1990, 4, 12)))

    def test_staff_open_odoo_on_the_day_view(self):
        day_view = self.env.ref("clinic_scheduling.clinic_day_view_action")
        self.assertEqual(self.frontdesk.action_id.id, day_view.id)
        self.assertEqual(self.provider_user.action_id.id, day_view.id)
        self.assertEqual(self.manager.action_id.id, day_view.id)
        other_home = self.env.ref("clinic_scheduling.clinic_appointment_action")
        own_choice = new_test_user(self.env, "t_own_home", action_id=other_home.id,
                                   groups="clinic_scheduling.group_clinic_frontdesk")
        self.assertEqual(own_choice.action_id.id, other_home.id, "a home action chosen by the admin is kept")
        accountant = new_test_user(self.env, "t_accountant", groups="base.group_user")
        self.assertFalse(accountant.action_id, "not clinic staff")
        accountant.write({"groups_id": [(4, self.env.ref("clinic_scheduling.group_clinic_provider").id)]})
        self.assertEqual(accountant.action_id.id, day_view.id, "became a provider")
        portal = new_test_user(self.env, "t_portal_home", groups="base.group_portal")
        self.assertFalse(portal.action_id)

    def test_client_messages_are_not_copied_to_the_booker(self):
        appointment = self.book("2026-03-04 15:00")
        appointment.with_user(self.frontdesk).message_subscribe(self.frontdesk.partner_id.ids)
        self.assertIn(self.frontdesk.partner_id, appointment.message_partner_ids, "staff follow appointments")
        self.env["clinic.appointment.message"]._cron_send_due()
        sent = appointment.message_ids.filtered(lambda m: m.message_type == "comment" and m.partner_ids)
        self.assertEqual(len(sent), 1, "the confirmation")
        notified = self.env["mail.notification"].search([("mail_message_id", "=", sent.id)]).res_partner_id
        self.assertEqual(notified, self.client, "only the client gets the email")
        self.assertFalse(sent.is_internal, "the client sees it in their portal history")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-04 12:00:00")
class TestUtilizationWeeks(ClinicCase):

    def test_no_figures_before_the_first_appointment_at_a_location(self):
        self.book("2026-03-02 15:00")
        rows = self.env["clinic.utilization"]._compute_utilization(weeks_back=3, weeks_ahead=0)
        weeks = set(rows.filtered(lambda r: r.location_id == self.location).mapped("week"))
        self.assertEqual(weeks, {date(2026, 3, 2)}, "the three weeks before the clinic used the schedule are left out")
        self.assertFalse(rows.filtered(lambda r: r.location_id == self.other_location), "no appointment at the annex")
