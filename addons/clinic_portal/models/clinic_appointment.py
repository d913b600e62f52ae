from datetime import datetime, timedelta

import pytz
from psycopg2 import errors as pg_errors

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from odoo.addons.clinic_scheduling.exceptions import BookingConflict
from odoo.addons.clinic_scheduling.models.clinic_appointment import OPEN_STATES

# How many days of free times the reschedule page shows at once.
RESCHEDULE_DAYS = 7


class ClinicAppointment(models.Model):
    _name = "clinic.appointment"
    _inherit = ["clinic.appointment", "portal.mixin"]

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for appointment in self:
            appointment.access_url = f"/my/appointments/{appointment.id}"

    # ------------------------------------------------------------------
    # Self-service (the portal): the client changes their own appointment.
    #
    # The controller calls these on the appointment it got from ``_document_check_access`` (the
    # client's own, or the holder of its private link), in sudo: the methods below are the rules
    # of what a client may do, whoever calls them.
    # ------------------------------------------------------------------
    def _portal_can_change(self):
        """Whether the client may still cancel or move this appointment online: still to come
        (booked or confirmed) and not started."""
        self.ensure_one()
        return self.state in OPEN_STATES and self.start > fields.Datetime.now()

    def _portal_check_can_change(self):
        if not self._portal_can_change():
            raise UserError(self.env._(
                "This appointment can no longer be changed online. Please call the clinic."
            ))

    def _portal_can_reschedule(self):
        """Whether the client may move this appointment online: it may change and is not inside its
        service's late-cancel window. Moving it then would free the time as late as a late
        cancellation, without its fee (and a moved visit could then be cancelled on time): inside
        the window, a change goes through the clinic."""
        self.ensure_one()
        return self._portal_can_change() and not self._portal_cancel_terms()["late"]

    def _portal_cancel_terms(self, when=None):
        """What cancelling now means for the client: ``{"late": bool, "hours": window in hours,
        "fee": the late-cancel fee product (or an empty recordset), "deadline": the last moment to
        cancel without being late (UTC)}``."""
        self.ensure_one()
        when = when or fields.Datetime.now()
        hours = self.service_id.late_cancel_hours
        deadline = self.start - timedelta(hours=hours)
        late = bool(hours) and when > deadline
        return {
            "late": late, "hours": int(hours) if hours == int(hours) else hours,
            "fee": self.service_id.late_cancel_product_id, "deadline": deadline,
        }

    def _portal_cancel_reasons(self):
        """The reasons a client may give: the active ones that are not the clinic's doing."""
        return self.env["clinic.cancel.reason"].search([("by_clinic", "=", False)])

    def _portal_cancel(self, reason=None, note=None):
        """The client cancels online: with one of :meth:`_portal_cancel_reasons` (default: client
        request), through ``action_cancel`` (which flags a late cancellation); the provider is told."""
        self.ensure_one()
        self._portal_check_can_change()
        reasons = self._portal_cancel_reasons()
        if reason:
            reason = reasons.filtered(lambda r: r.id == reason)
            if not reason:
                raise UserError(self.env._("Please choose one of the reasons offered."))
        else:
            reason = self.env.ref("clinic_scheduling.cancel_reason_client_request", raise_if_not_found=False) \
                or reasons[:1]
        note = (note or "").strip() or None
        if note and len(note) > 1000:
            raise UserError(self.env._("The message to the clinic is at most 1000 characters long."))
        self.action_cancel(reason=reason, note=note)
        body = self.env._("Cancelled online by the client (%(reason)s).", reason=reason.name)
        if self.late_cancel:
            body = self.env._(
                "Cancelled online by the client (%(reason)s), inside the late-cancel window.", reason=reason.name
            )
        if note:
            body = self.env._("%(body)s Message: %(note)s", body=body, note=note)
        self._portal_notify_staff(body)
        return True

    def _portal_reschedule_slots(self, date_from=None, days=RESCHEDULE_DAYS):
        """The free times this appointment may move to online: the engine's online slots of its
        service at its location, ``days`` days from ``date_from`` (a date in the location's time
        zone; default today), without the appointment's own time."""
        self.ensure_one()
        tz = pytz.timezone(self.location_id.tz or "UTC")
        today = datetime.now(tz).date()
        date_from = max(date_from or today, today)
        start = tz.localize(datetime.combine(date_from, datetime.min.time())).astimezone(pytz.utc).replace(tzinfo=None)
        stop = tz.localize(
            datetime.combine(date_from + timedelta(days=days), datetime.min.time())
        ).astimezone(pytz.utc).replace(tzinfo=None)
        slots = self.service_id._get_available_slots(start, stop, location_id=self.location_id.id, online=True)
        return [s for s in slots if not (s["start"] == self.start and s["provider_id"] == self.provider_id.id)]

    def _portal_reschedule(self, start, provider_id):
        """Move this appointment to the free time ``start`` (naive UTC) with ``provider_id``: it must
        be a slot the engine offers online now; PostgreSQL's exclusion constraints decide a race.
        A time that is not free raises ``SlotTaken`` with the next free times; the appointment is
        then left as it was. The provider is told (chatter)."""
        self.ensure_one()
        self._portal_check_can_change()
        if not self._portal_can_reschedule():
            raise UserError(self.env._(
                "Your appointment is less than %(hours)s hours away: a change now counts as a late cancellation. "
                "Please call the clinic to move it.", hours=self._portal_cancel_terms()["hours"],
            ))
        if not isinstance(start, datetime) or not isinstance(provider_id, int):
            raise UserError(self.env._("Please choose one of the free times offered."))
        service = self.service_id
        slots = service._get_available_slots(
            start, start + timedelta(seconds=1), provider_ids=[provider_id], location_id=self.location_id.id,
            online=True,
        )
        slot = next((s for s in slots if s["start"] == start and s["provider_id"] == provider_id), None)
        wanted = slot or {
            "start": start, "stop": start + timedelta(minutes=service.duration), "provider_id": provider_id,
            "location_id": self.location_id.id, "room_id": False,
        }
        if not slot:
            raise self._slot_taken(service, wanted, "portal", "")
        before = self._portal_when()
        try:
            with self.env.cr.savepoint():
                self.write({
                    "start": slot["start"], "stop": slot["stop"], "provider_id": slot["provider_id"],
                    "room_id": slot["room_id"] or False,
                })
                self.env.flush_all()
        except BookingConflict as error:
            raise self._slot_taken(service, wanted, "portal", str(error)) from error
        except (pg_errors.ExclusionViolation, pg_errors.DeadlockDetected) as error:
            raise self._slot_taken(service, wanted, "portal", "") from error
        self._portal_notify_staff(self.env._(
            "Rescheduled online by the client from %(before)s to %(after)s.", before=before, after=self._portal_when(),
        ))
        return True

    def _portal_when(self):
        self.ensure_one()
        when = format_datetime(self.env, self.start, tz=self.location_id.tz or "UTC", dt_format="EEE d MMM y, HH:mm")
        return self.env._("%(when)s with %(provider)s", when=when, provider=self.provider_id.name)

    def _portal_notify_staff(self, body):
        """Staff learn of an online change: a note in the appointment's chatter, with its
        provider notified (their inbox or email, as they chose)."""
        self.ensure_one()
        provider_partner = self.provider_id.user_id.partner_id
        self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note",
            author_id=self.partner_id.id, partner_ids=provider_partner.ids,
        )

    def _portal_waitlist_entry(self):
        """The client's open request for an earlier time than this appointment, if any."""
        self.ensure_one()
        return self.env["clinic.waitlist"].search([
            ("portal_appointment_id", "=", self.id), ("state", "in", ("waiting", "offered")),
        ], limit=1)

    def _portal_join_waitlist(self):
        """The client asks for an earlier time: a waitlist entry for this service, provider and
        location, from today until the day before this appointment. An accepted offer replaces
        this appointment."""
        self.ensure_one()
        self._portal_check_can_change()
        if self._portal_waitlist_entry():
            raise UserError(self.env._("You are already on the waitlist for an earlier time."))
        tz = pytz.timezone(self.location_id.tz or "UTC")
        today = datetime.now(tz).date()
        last_day = pytz.utc.localize(self.start).astimezone(tz).date() - timedelta(days=1)
        if last_day < today:
            raise UserError(self.env._(
                "Your appointment is already the next day: there is no earlier day to wait for."
            ))
        return self.env["clinic.waitlist"].create({
            "partner_id": self.partner_id.id, "service_id": self.service_id.id,
            "provider_ids": [Command.set(self.provider_id.ids)], "location_id": self.location_id.id,
            "company_id": self.company_id.id, "date_from": today, "date_to": last_day,
            "portal_appointment_id": self.id,
            "note": self.env._("Asked online for a time earlier than %s.", self._portal_when()),
        })

    def _portal_ics(self):
        """The .ics file of this appointment, for the client's own calendar."""
        self.ensure_one()
        return self._ics(cancel=self.state == "cancelled")
