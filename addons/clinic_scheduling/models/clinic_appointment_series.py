from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..exceptions import SlotTaken
from .clinic_appointment import OPEN_STATES
from .clinic_series_rule_mixin import WEEKDAYS

MAX_OCCURRENCES = 52


class ClinicAppointmentSeries(models.Model):
    """A recurring series: its rule (every N weeks, on some weekdays, at a local time, for a number
    of visits or until a date) and the appointments booked from it. The series plans its
    occurrences, books them through ``_book_slot``, and re-plans its future when its rule changes
    or it is extended; the wizard only previews (as ``calendar.recurrence`` does for events)."""

    _name = "clinic.appointment.series"
    _description = "Recurring Appointment Series"
    _check_company_auto = True
    _inherit = ["clinic.series.rule.mixin", "mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, check_company=True)
    service_id = fields.Many2one("clinic.service", required=True, check_company=True)
    provider_id = fields.Many2one("clinic.provider", required=True, check_company=True, tracking=True)
    location_id = fields.Many2one("clinic.location", required=True)
    case_id = fields.Many2one("clinic.case", string="Case File", check_company=True)
    company_id = fields.Many2one(related="location_id.company_id", store=True)
    first_date = fields.Date(string="From", tracking=True, help="The day of the first visit (location's calendar).")
    local_time = fields.Float(string="At", tracking=True, help="Start time of each visit, in the location's time.")
    interval_weeks = fields.Integer(tracking=True)
    end_type = fields.Selection(tracking=True)
    count = fields.Integer(tracking=True)
    until = fields.Date(tracking=True)
    appointment_ids = fields.One2many("clinic.appointment", "series_id", string="Appointments")
    appointment_count = fields.Integer(compute="_compute_appointment_count")

    _sql_constraints = [
        ("interval_positive", "check (interval_weeks > 0)", "Repeat at least every week."),
        ("count_not_negative", "check (count >= 0)", "The number of visits cannot be negative."),
        ("local_time_in_day", "check (local_time >= 0 and local_time < 24)", "The time must be within the day."),
    ]

    @api.depends("partner_id", "service_id", "interval_weeks")
    def _compute_name(self):
        for series in self:
            series.name = self.env._(
                "%(service)s for %(client)s every %(weeks)s week(s)",
                service=series.service_id.name, client=series.partner_id.name, weeks=series.interval_weeks,
            )

    @api.depends("appointment_ids")
    def _compute_appointment_count(self):
        for series in self:
            series.appointment_count = len(series.appointment_ids)

    @api.constrains("end_type", "until", "count", "first_date")
    def _check_end(self):
        for series in self:
            if series.end_type == "until" and not series.until:
                raise ValidationError(self.env._("Give the date the series ends."))
            if series.end_type == "until" and series.first_date and series.until < series.first_date:
                raise ValidationError(self.env._("The series ends before its first visit."))

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------
    def _weekdays(self):
        days = [index for index, name in enumerate(WEEKDAYS) if self[name]]
        return days or [self.first_date.weekday()]

    def _get_occurrences(self, since=None, count=None):
        """The planned starts (naive UTC), in order: every ``interval_weeks`` weeks from the week
        of ``first_date``, on the chosen weekdays, at ``local_time`` on the location's wall clock
        (the same local time across daylight saving; a time that does not exist or occurs twice
        that night is read in standard time, as the engine does), for ``count`` visits or until
        ``until``, at most 52. ``since``: only the starts from then on; ``count``: how many of
        them (default: the series' count)."""
        self.ensure_one()
        if self.interval_weeks < 1:
            raise UserError(self.env._("Repeat at least every week."))
        if not self.first_date:
            return []
        tz = pytz.timezone(self.location_id.tz or "UTC")
        hour, minute = divmod(min(round(self.local_time * 60), 24 * 60 - 1), 60)
        monday = self.first_date - timedelta(days=self.first_date.weekday())
        weekdays = self._weekdays()
        count = self.count if count is None else count
        limit = MAX_OCCURRENCES if self.end_type == "until" else min(max(count, 0), MAX_OCCURRENCES)
        starts, week = [], 0
        while len(starts) < limit:
            for weekday in weekdays:
                day = monday + timedelta(weeks=week, days=weekday)
                if day < self.first_date:
                    continue
                if self.end_type == "until" and day > self.until:
                    return starts
                local = datetime.combine(day, time(hour, minute))
                start = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
                if since and start < since:
                    continue
                starts.append(start)
                if len(starts) >= limit:
                    break
            week += self.interval_weeks
            if week > 53 * 8 * self.interval_weeks:
                break  # no weekday ever reaches the limit (cannot happen, but never loop forever)
        return starts

    def _plan(self, booked=None, since=None, online=False):
        """One line (dict) per occurrence from ``since`` on: ``free`` as planned (with its
        ``appointment_id`` when an appointment of ``booked`` already holds it), ``moved`` to the
        nearest free start that day (same provider first, then anyone) or ``skipped`` with the
        conflict; then ``cancel`` for each open appointment of ``booked`` the rule no longer has.
        Two engine calls in all.

        ``booked``: appointments already made for this series (or the one it starts from).
        ``online``: free means free online (the engine's online rules: notice, horizon, service and
        providers bookable online), for a series a client books on the portal.
        """
        self.ensure_one()
        booked = booked or self.env["clinic.appointment"]
        # Visits that took place (or were missed) before ``since`` count among the series' visits.
        held = booked.filtered(lambda a: since and a.start < since and a.state != "cancelled")
        booked = booked.filtered(lambda a: a.state in OPEN_STATES)
        count = max(self.count - len(held), 0) if self.end_type == "count" else None
        starts = self._get_occurrences(since=since, count=count)
        kept = {appointment.start: appointment for appointment in booked}
        lines = []
        to_plan = [start for start in starts if start not in kept]
        own = anyone = []
        if to_plan:
            span = (to_plan[0] - timedelta(days=1), to_plan[-1] + timedelta(days=1))
            own = self.service_id._get_available_slots(
                *span, provider_ids=self.provider_id.ids, location_id=self.location_id.id, online=online,
            )
            anyone = self.service_id._get_available_slots(*span, location_id=self.location_id.id, online=online)
        free = {slot["start"]: slot for slot in own}
        tz = pytz.timezone(self.location_id.tz or "UTC")

        def day_of(moment):
            return pytz.utc.localize(moment).astimezone(tz).date()

        for sequence, start in enumerate(starts, 1):
            # appointment_id explicitly empty: a default_appointment_id in the wizard's context
            # (it is opened from an appointment) must not mark every line as already booked.
            line = {"sequence": sequence, "planned_start": start, "location_id": self.location_id.id,
                    "appointment_id": False}
            if start in kept:
                appointment = kept[start]
                line.update(status="free", start=start, stop=appointment.stop, appointment_id=appointment.id,
                            provider_id=appointment.provider_id.id, room_id=appointment.room_id.id,
                            location_id=appointment.location_id.id)
            elif start in free:
                slot = free[start]
                line.update(status="free", start=start, stop=slot["stop"], provider_id=slot["provider_id"],
                            room_id=slot["room_id"])
            else:
                same_day = [s for s in own if day_of(s["start"]) == day_of(start)] or [
                    s for s in anyone if day_of(s["start"]) == day_of(start)
                ]
                # The nearest start that day; on a tie, the earlier one.
                best = min(same_day, key=lambda s: (abs(s["start"] - start), s["start"]), default=None)
                line.update(status="moved" if best else "skipped", reason=self._conflict_reason(start))
                if best:
                    line.update(start=best["start"], stop=best["stop"], provider_id=best["provider_id"],
                                room_id=best["room_id"])
            lines.append(line)
        planned = set(starts)
        for appointment in booked.sorted("start"):
            if appointment.start not in planned and (not since or appointment.start >= since):
                lines.append({
                    "sequence": len(lines) + 1, "planned_start": appointment.start, "status": "cancel",
                    "appointment_id": appointment.id, "start": appointment.start, "stop": appointment.stop,
                    "provider_id": appointment.provider_id.id, "room_id": appointment.room_id.id,
                    "location_id": appointment.location_id.id,
                    "reason": self.env._("No longer in the series' rule: cancelled."),
                })
        return lines

    def _conflict_reason(self, start):
        draft = self.env["clinic.appointment"].new({
            "partner_id": self.partner_id.id, "service_id": self.service_id.id, "provider_id": self.provider_id.id,
            "location_id": self.location_id.id, "start": start,
        })
        try:
            draft._check_booking_conflicts()
        except ValidationError as error:
            return error.args[0]
        return self.env._("Outside working hours, time off, or no free room.")

    def _apply_plan(self, lines, source="staff", partial=False):
        """Make the appointments match the plan ``lines`` (records with the slot mixin's fields, a
        ``status`` and an ``appointment_id``): book the free and moved ones through ``_book_slot``
        (with ``source``), cancel the ones the rule no longer has. All or nothing: a time taken
        since the preview books nothing. Returns the new appointments.

        ``partial``: a time taken since the preview is left out and the others are booked (the
        caller tells which lines got no appointment); any other refusal still books nothing."""
        self.ensure_one()
        to_book = lines.filtered(lambda line: line.status in ("free", "moved") and line.start
                                 and not line.appointment_id)
        to_cancel = lines.filtered(lambda line: line.status == "cancel").appointment_id
        skipped = len(lines.filtered(lambda line: line.status == "skipped"))
        # The slots are read before booking: a lost time's rollback clears the cache, and with it
        # lines that are drafts in memory (``new()``) rather than saved wizard lines.
        slots = [line._slot_values() for line in to_book]
        Appointment = self.env["clinic.appointment"]
        # All the providers and rooms at once, in the one order every booking takes them.
        Appointment._lock_booking_resources(to_book.provider_id.ids, to_book.room_id.ids)
        booked = Appointment
        lost = 0
        try:
            with self.env.cr.savepoint():
                if to_cancel:
                    to_cancel.action_cancel(self.env.ref("clinic_scheduling.cancel_reason_series_replanned"))
                for slot in slots:
                    try:
                        booked |= Appointment._book_slot(self.service_id, slot, self.partner_id, source=source,
                                                         case_id=self.case_id.id, series_id=self.id)
                    except SlotTaken:
                        # _book_slot rolled its own savepoint back: the others may still be booked.
                        if not partial:
                            raise
                        lost += 1
        except SlotTaken as error:
            raise UserError(self.env._(
                "%s\n\nThe schedule changed since the preview: nothing was booked. Preview again.", error.args[0]
            )) from error
        if lost:
            body = self.env._(
                "Series planned: %(booked)s visit(s) booked, %(cancelled)s cancelled, %(skipped)s skipped, "
                "%(lost)s taken since the preview.",
                booked=len(booked), cancelled=len(to_cancel), skipped=skipped, lost=lost,
            )
        else:
            body = self.env._(
                "Series planned: %(booked)s visit(s) booked, %(cancelled)s cancelled, %(skipped)s skipped.",
                booked=len(booked), cancelled=len(to_cancel), skipped=skipped,
            )
        self.message_post(body=body)
        return booked

    def action_open_plan_wizard(self):
        """Extend the series or change its rule: the wizard previews the future, then applies it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Plan the Series"),
            "res_model": "clinic.series.wizard", "view_mode": "form", "views": [(False, "form")], "target": "new",
            "context": {"default_series_id": self.id},
        }

    def _cancel_from(self, appointment, reason, note=None):
        """Cancel the series' open appointments from ``appointment`` on (all of them when it is None)."""
        self.ensure_one()
        todo = self.appointment_ids.filtered(
            lambda a: a.state in OPEN_STATES and (not appointment or a.start >= appointment.start)
        )
        if not todo:
            raise UserError(self.env._("No open appointment left to cancel in this series."))
        todo.action_cancel(reason, note=note)
        self.message_post(body=self.env._(
            "%(count)s appointment(s) of the series cancelled (%(reason)s).", count=len(todo), reason=reason.name
        ))
        return todo
