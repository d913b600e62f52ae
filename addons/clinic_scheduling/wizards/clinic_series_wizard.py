from datetime import timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..exceptions import SlotTaken

MAX_OCCURRENCES = 52


class ClinicSeriesWizard(models.TransientModel):
    _name = "clinic.series.wizard"
    _description = "Plan a Recurring Series"

    appointment_id = fields.Many2one("clinic.appointment", string="From Appointment")
    partner_id = fields.Many2one("res.partner", string="Client", required=True)
    service_id = fields.Many2one("clinic.service", required=True)
    provider_id = fields.Many2one("clinic.provider", required=True, domain="[('service_ids', 'in', service_id)]")
    location_id = fields.Many2one("clinic.location", required=True)
    first_start = fields.Datetime(string="First Visit", required=True)
    interval_weeks = fields.Integer(string="Every (weeks)", default=1, required=True)
    end_type = fields.Selection(
        [("count", "After a number of visits"), ("until", "Until a date")], default="count", required=True,
    )
    count = fields.Integer(string="Visits", default=6)
    until = fields.Date()
    line_ids = fields.One2many("clinic.series.wizard.line", "wizard_id", compute="_compute_line_ids", store=True)
    conflict_count = fields.Integer(compute="_compute_line_ids", store=True)

    def _occurrences(self):
        """Planned starts: the same wall-clock time in the location's time zone every N weeks."""
        self.ensure_one()
        if self.interval_weeks < 1:
            raise UserError(self.env._("Repeat at least every week."))
        tz = pytz.timezone(self.location_id.tz or "UTC")
        local = pytz.utc.localize(self.first_start).astimezone(tz).replace(tzinfo=None)
        starts = []
        while len(starts) < MAX_OCCURRENCES:
            if self.end_type == "count" and len(starts) >= max(self.count, 0):
                break
            if self.end_type == "until" and (not self.until or local.date() > self.until):
                break
            starts.append(tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None))
            local += timedelta(weeks=self.interval_weeks)
        return starts

    @api.depends("partner_id", "service_id", "provider_id", "location_id", "first_start", "interval_weeks",
                 "end_type", "count", "until")
    def _compute_line_ids(self):
        for wizard in self:
            ready = wizard.service_id and wizard.provider_id and wizard.location_id and wizard.first_start
            lines = wizard._plan() if ready and wizard.interval_weeks > 0 else []
            wizard.line_ids = [Command.clear()] + [Command.create(line) for line in lines]
            wizard.conflict_count = sum(1 for line in lines if line["status"] != "free")

    def _plan(self):
        """One line per occurrence: free as planned, or the conflict and the nearest free alternative
        the same day (same provider first, then any provider). Two engine calls in all."""
        starts = self._occurrences()
        if not starts:
            return []
        span = (starts[0] - timedelta(days=1), starts[-1] + timedelta(days=1))
        service = self.service_id
        own = service._get_available_slots(*span, provider_ids=self.provider_id.ids, location_id=self.location_id.id,
                                          online=False)
        anyone = service._get_available_slots(*span, location_id=self.location_id.id, online=False)
        free = {slot["start"]: slot for slot in own}
        tz = pytz.timezone(self.location_id.tz or "UTC")

        def day_of(moment):
            return pytz.utc.localize(moment).astimezone(tz).date()

        lines = []
        for sequence, start in enumerate(starts, 1):
            line = {"sequence": sequence, "planned_start": start, "location_id": self.location_id.id}
            if self.appointment_id and start == self.appointment_id.start:
                # The appointment the series starts from: already booked.
                line.update(status="free", start=start, stop=self.appointment_id.stop,
                            provider_id=self.appointment_id.provider_id.id, room_id=self.appointment_id.room_id.id,
                            location_id=self.appointment_id.location_id.id)
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

    def action_confirm(self):
        """Create the series and all its appointments at once: all or nothing."""
        self.ensure_one()
        lines = self.line_ids.filtered("start")
        if not lines:
            raise UserError(self.env._("No occurrence can be booked."))
        series = self.env["clinic.appointment.series"].create({
            "partner_id": self.partner_id.id, "service_id": self.service_id.id, "provider_id": self.provider_id.id,
            "location_id": self.location_id.id, "interval_weeks": self.interval_weeks,
        })
        if self.appointment_id:
            self.appointment_id.series_id = series
        to_book = lines.filtered(lambda line: not (self.appointment_id and line.start == self.appointment_id.start))
        # All the providers and rooms at once, in the one order every booking takes them.
        self.env["clinic.appointment"]._lock_booking_resources(to_book.provider_id.ids, to_book.room_id.ids)
        try:
            with self.env.cr.savepoint():
                for line in to_book:
                    line._book(self.service_id, self.partner_id, source="staff",
                               case_id=self.appointment_id.case_id.id, series_id=series.id)
        except SlotTaken as error:
            raise UserError(self.env._(
                "%s\n\nThe schedule changed since the preview: nothing was booked. Preview again.", error.args[0]
            )) from error
        series.message_post(body=self.env._(
            "Series created: %(booked)s visit(s) booked, %(skipped)s skipped.",
            booked=len(to_book), skipped=len(self.line_ids) - len(lines),
        ))
        return {
            "type": "ir.actions.act_window", "res_model": "clinic.appointment", "view_mode": "list,form",
            "domain": [("series_id", "=", series.id)], "name": series.name, "target": "current",
        }
