from datetime import datetime

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import ClinicCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 12:00:00")
class TestBooking(ClinicCase):

    def test_times_follow_service_and_buffers(self):
        appointment = self.book("2026-03-03 14:00", service=self.massage)
        self.assertEqual(appointment.stop, datetime(2026, 3, 3, 15, 0))
        self.assertEqual(appointment.busy_start, datetime(2026, 3, 3, 13, 55))
        self.assertEqual(appointment.busy_stop, datetime(2026, 3, 3, 15, 10))
        self.assertEqual(appointment.state, "booked")
        self.assertTrue(appointment.name.startswith("APT/"))
        self.assertTrue(self.client.clinic_client, "booking makes the contact a clinic client")

    def test_buffers_are_a_snapshot(self):
        appointment = self.book("2026-03-03 14:00", service=self.massage)
        self.massage.buffer_after = 30
        self.assertEqual(appointment.buffer_after, 10, "editing a service must not move booked appointments")

    def test_provider_overlap_is_refused_with_the_conflict_named(self):
        first = self.book("2026-03-03 14:00")
        with self.assertRefused(ValidationError, r"Alice Physio is already booked .* %s" % first.name):
            self.book("2026-03-03 14:15", room=self.room_2)

    def test_buffer_after_blocks_the_next_start(self):
        self.book("2026-03-03 14:00")  # 30 min + 10 min clean-up: busy until 14:40
        with self.assertRaises(ValidationError):
            self.book("2026-03-03 14:35", room=self.room_2)
        follow = self.book("2026-03-03 14:40", room=self.room_2)
        self.assertEqual(follow.busy_start, datetime(2026, 3, 3, 14, 40))

    def test_room_overlap_with_another_provider(self):
        self.book("2026-03-03 14:00", room=self.room_1)
        with self.assertRefused(ValidationError, "Room 1 is already taken"):
            self.book("2026-03-03 14:20", provider=self.bob, room=self.room_1)
        other_room = self.book("2026-03-03 14:20", provider=self.bob, room=self.room_2)
        self.assertEqual(self.env["clinic.appointment"].search([("start", "<", other_room.stop),
                                                                ("stop", ">", other_room.start)]).room_id,
                         self.room_1 | self.room_2, "the same time in another room is fine")

    def test_cancelled_and_no_show_free_the_time(self):
        Appointment = self.env["clinic.appointment"]
        first = self.book("2026-03-03 14:00")
        first.action_cancel(self.reason_client)
        again = self.book("2026-03-03 14:00", partner=self.client_2)
        self.assertEqual(Appointment.search([("provider_id", "=", self.alice.id), ("room_id", "=", self.room_1.id),
                                             ("start", "=", datetime(2026, 3, 3, 14, 0))]), first | again)
        # The 9:00 client (14:00 UTC) did not come: at 9:10 the front desk gives the time to a walk-in.
        missed = self.book("2026-03-04 14:00")
        with freeze_time("2026-03-04 14:10:00"):
            missed.action_no_show()
            free = self.physio._get_available_slots(datetime(2026, 3, 4, 14, 0), datetime(2026, 3, 4, 14, 1),
                                                    provider_ids=self.alice.ids, online=False)
            self.assertEqual([(s["start"], s["room_id"]) for s in free],
                             [(datetime(2026, 3, 4, 14, 0), self.room_1.id)],
                             "the engine offers a no-show's time again")
            walk_in = self.book("2026-03-04 14:00", partner=self.client_2)
        self.assertEqual(Appointment.search([("provider_id", "=", self.alice.id), ("room_id", "=", self.room_1.id),
                                             ("start", "=", datetime(2026, 3, 4, 14, 0))]), missed | walk_in)

    def test_overlap_inside_one_batch(self):
        vals = {
            "partner_id": self.client.id, "service_id": self.talk.id, "provider_id": self.carol.id,
            "location_id": self.location.id,
        }
        with self.assertRefused(ValidationError, "overlap for the same provider"):
            self.env["clinic.appointment"].create([
                dict(vals, start=datetime(2026, 3, 3, 14, 0)), dict(vals, start=datetime(2026, 3, 3, 14, 30)),
            ])

    def test_reschedule_into_a_conflict_is_refused_and_history_kept(self):
        self.book("2026-03-03 14:00")
        second = self.book("2026-03-03 16:00", room=self.room_2)
        with self.assertRefused(ValidationError, "already booked"):
            second.write({"start": datetime(2026, 3, 3, 14, 10)})
        second.write({"start": datetime(2026, 3, 3, 15, 0)})
        self.assertEqual(second.stop, datetime(2026, 3, 3, 15, 30), "moving the start keeps the duration")
        self.flush_tracking()
        tracked = second.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "start")
        self.assertEqual(tracked.old_value_datetime, datetime(2026, 3, 3, 16, 0))
        self.assertEqual(tracked.new_value_datetime, datetime(2026, 3, 3, 15, 0))

    def test_database_refuses_overlap_even_without_the_python_check(self):
        """The exclusion constraint is the guarantee: a write that skips the ORM check still fails."""
        self.book("2026-03-03 14:00")
        other = self.book("2026-03-03 16:00", room=self.room_2)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught, self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE clinic_appointment SET busy_start = '2026-03-03 14:20', busy_stop = '2026-03-03 15:00' "
                "WHERE id = %s", [other.id],
            )
        self.assertEqual(caught.exception.diag.constraint_name, "clinic_appointment_provider_no_overlap")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught, self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE clinic_appointment SET provider_id = %s, room_id = %s, busy_start = '2026-03-03 14:20', "
                "busy_stop = '2026-03-03 15:00' WHERE id = %s", [self.bob.id, self.room_1.id, other.id],
            )
        self.assertEqual(caught.exception.diag.constraint_name, "clinic_appointment_room_no_overlap")

    def test_manager_may_overbook_and_it_is_logged(self):
        first = self.book("2026-03-03 14:00")
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        vals = {
            "partner_id": self.client_2.id, "service_id": self.physio.id, "provider_id": self.alice.id,
            "location_id": self.location.id, "room_id": self.room_2.id, "start": first.start, "overbooked": True,
        }
        with self.assertRaises(AccessError):
            Appointment.create(vals)
        extra = Appointment.with_user(self.manager).create(vals)
        self.assertTrue(extra.overbooked)
        self.assertIn("Deliberately overbooked", extra.message_ids.mapped("body")[0])
        # The overbooked appointment does not block its room or provider for others.
        later = self.book("2026-03-03 14:05", provider=self.bob, room=self.room_2, partner=self.client_2)
        self.assertEqual(self.env["clinic.appointment"].search([
            ("room_id", "=", self.room_2.id),
            ("busy_start", "<", later.busy_stop), ("busy_stop", ">", later.busy_start),
        ]), extra | later, "two appointments in room 2 at once, one of them overbooked")

    def test_stop_before_start(self):
        appointment = self.book("2026-03-03 14:00")
        with self.assertRefused(ValidationError, "must end after it starts"):
            appointment.write({"stop": datetime(2026, 3, 3, 13, 0)})

    def test_bad_input_gets_a_clear_message(self):
        with self.assertRefused(ValidationError, "Carol Counsellor does not offer Physio follow-up"):
            self.book("2026-03-03 14:00", provider=self.carol)
        with self.assertRefused(ValidationError, "Hydrotherapy is not offered at Main"):
            self.book("2026-03-03 14:00", service=self.annex_only)
        with self.assertRefused(ValidationError, "Carol Counsellor does not work at Annex"):
            self.book("2026-03-03 14:00", provider=self.carol, service=self.talk, location_id=self.other_location.id)
        with self.assertRefused(ValidationError, "Room Annex Room is not at Main"):
            self.book("2026-03-03 14:00", room=self.annex_room)
        with self.assertRefused(ValidationError, "needs a room"):
            self.book("2026-03-03 14:00", room=self.env["clinic.room"])
        self.room_2.active = False
        with self.assertRefused(ValidationError, "Room 2 is archived"):
            self.book("2026-03-03 14:00", room=self.room_2)
        self.bob.active = False
        with self.assertRefused(ValidationError, "Bob Massage is archived"):
            self.book("2026-03-03 14:00", provider=self.bob)
