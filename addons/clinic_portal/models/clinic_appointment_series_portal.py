"""A weekly series a client books from the portal ("Repeat weekly" on an upcoming appointment).

The series plans with the front desk's own code (``_plan``, here with the online rules) and books
through its own ``_apply_plan`` (``_book_slot`` with source ``portal``); this file only turns the
plan into what a client may read, and says why a time is not offered, in words that never name
another booking."""
from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_datetime

from odoo.addons.clinic_scheduling.exceptions import BookingConflict


class ClinicAppointmentSeries(models.Model):
    _inherit = "clinic.appointment.series"

    source = fields.Selection(
        [("staff", "Front Desk"), ("portal", "Online")], default="staff", required=True, readonly=True,
        help="Online: the client repeated one of their appointments from the website.",
    )

    def _portal_plan(self, origin):
        """The plan of this series (a draft, not saved) starting from ``origin``, the client's
        appointment it repeats, for the client: one dict per further visit, in order, with
        ``sequence``, ``planned_start`` (naive UTC), ``status`` (``free``, ``moved`` to the
        alternative ``start``/``provider_id``, or ``skipped``), ``offline`` (the planned time is
        free but not offered online), ``reason`` (client-safe words) and ``key`` (the time to keep,
        ``"YYYY-MM-DD HH:MM:SS|provider id"``, for a line that can be booked). Three engine calls
        at most; nothing is written."""
        self.ensure_one()
        lines = [
            line for line in self._plan(booked=origin, online=True)
            if line["status"] in ("free", "moved", "skipped") and not line["appointment_id"]
        ]
        troubled = [line["planned_start"] for line in lines if line["status"] != "free"]
        staff_free = set()
        if troubled:
            # The front desk's view of the provider's own times: a time free there but not online
            # breaks an online rule (notice, horizon, provider not bookable online, off the grid).
            slots = self.service_id._get_available_slots(
                min(troubled) - timedelta(hours=1), max(troubled) + timedelta(hours=1),
                provider_ids=self.provider_id.ids, location_id=self.location_id.id, online=False,
            )
            staff_free = {slot["start"] for slot in slots}
        result = []
        for line in lines:
            offline = line["status"] != "free" and line["planned_start"] in staff_free
            reason = False
            if line["status"] != "free":
                planned = line["planned_start"]
                reason = self._portal_offline_reason(planned) if offline else self._portal_conflict_reason(planned)
            bookable = line["status"] in ("free", "moved")
            result.append({
                "sequence": line["sequence"], "planned_start": line["planned_start"], "status": line["status"],
                "offline": offline, "reason": reason,
                "start": line.get("start") if bookable else False,
                "stop": line.get("stop") if bookable else False,
                "provider_id": line.get("provider_id") if bookable else False,
                "room_id": (line.get("room_id") or False) if bookable else False,
                "location_id": line["location_id"],
                "key": f"{line['start']:%Y-%m-%d %H:%M:%S}|{line['provider_id']}" if bookable else False,
            })
        return result

    def _portal_offline_reason(self, start):
        """Why ``start``, free at the front desk, is not offered online: in words for the client."""
        service, now = self.service_id, fields.Datetime.now()
        if not self.provider_id.online_bookable or not service.online_bookable:
            return self.env._("Not offered online: please call the clinic to book this visit.")
        if start < now + timedelta(hours=service.min_notice_hours):
            return self.env._("Not offered online: too soon to book online.")
        if start > now + timedelta(days=service.horizon_days):
            return self.env._("Not offered online: too far ahead to book online.")
        return self.env._("Not offered online at this time.")

    def _portal_conflict_reason(self, start):
        """Why ``start`` is not free, for the client: whether something is booked then (never what,
        nor whose), or the provider is away."""
        draft = self.env["clinic.appointment"].new({
            "partner_id": self.partner_id.id, "service_id": self.service_id.id, "provider_id": self.provider_id.id,
            "location_id": self.location_id.id, "start": start,
        })
        try:
            draft._check_booking_conflicts()
        except BookingConflict:
            # Its message names the appointment in the way: not for a client's eyes.
            return self.env._("This time is already taken.")
        return self.env._("Your provider is not available at this time (time off, or outside working hours).")

    def _portal_notify_series(self, origin, booked, lost):
        """Staff learn of a series booked online: a note in the series' chatter (and in the
        repeated appointment's), written as the client, that notifies the provider once."""
        self.ensure_one()
        tz = self.location_id.tz or "UTC"
        dates = ", ".join(
            format_datetime(self.env, appointment.start, tz=tz, dt_format="EEE d MMM y, HH:mm")
            for appointment in booked.sorted("start")
        )
        body = self.env._(
            "Booked online by the client: %(count)s more visit(s) of %(service)s with %(provider)s, repeating "
            "%(origin)s (%(dates)s).", count=len(booked), service=self.service_id.name,
            provider=self.provider_id.name, origin=origin.name, dates=dates or "-",
        )
        if lost:
            body = self.env._("%(body)s %(lost)s time(s) kept by the client were taken meanwhile and not booked.",
                              body=body, lost=lost)
        self.message_post(
            body=Markup("<p>%s</p>") % body, message_type="comment", subtype_xmlid="mail.mt_note",
            author_id=self.partner_id.id, partner_ids=self.provider_id.user_id.partner_id.ids,
        )
        origin.message_post(
            body=Markup("<p>%s</p>") % self.env._("Repeated online by the client: series %s.", self.name),
            message_type="comment", subtype_xmlid="mail.mt_note", author_id=self.partner_id.id,
        )
