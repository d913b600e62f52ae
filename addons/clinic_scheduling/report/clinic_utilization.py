from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.clinic_appointment import ACTIVE_STATES
from ..tools import intervals as iv


class ClinicUtilization(models.Model):
    """Booked against available hours, per provider and per room, per week (Monday, local time).

    Derived figures, rebuilt by a scheduled job (and on demand) from working hours, leaves and
    appointments: rows are replaced, never edited.
    """

    _name = "clinic.utilization"
    _description = "Utilization"
    _order = "week desc, kind, id"

    week = fields.Date(required=True, index=True, help="Monday of the week, in the location's time zone.")
    kind = fields.Selection([("provider", "Provider"), ("room", "Room")], required=True)
    provider_id = fields.Many2one("clinic.provider", index=True)
    room_id = fields.Many2one("clinic.room", index=True)
    location_id = fields.Many2one("clinic.location", required=True)
    company_id = fields.Many2one(related="location_id.company_id", store=True)
    available_hours = fields.Float()
    booked_hours = fields.Float()
    utilization = fields.Float(string="Utilization (%)", aggregator="avg")

    @api.model
    def _compute_utilization(self, weeks_back=8, weeks_ahead=4):
        today = fields.Date.context_today(self)
        monday = today - timedelta(days=today.weekday())
        first, last = monday - timedelta(weeks=weeks_back), monday + timedelta(weeks=weeks_ahead)
        start = datetime.combine(first - timedelta(days=1), datetime.min.time())
        stop = datetime.combine(last + timedelta(days=8), datetime.min.time())
        locations = self.env["clinic.location"].search([])
        appointments = self.env["clinic.appointment"].search_fetch(
            [("state", "in", ACTIVE_STATES), ("start", "<", stop), ("stop", ">", start)],
            ["provider_id", "room_id", "location_id", "start", "stop"],
        )
        # Weeks before a location's first appointment are before the clinic used the schedule
        # there: no figures rather than 0 %.
        first_use = dict(self.env["clinic.appointment"]._read_group(
            [("location_id", "in", locations.ids)], ["location_id"], ["start:min"],
        ))
        rows = {}

        def week_of(moment, tz):
            local = iv.local_date(moment, tz)
            return local - timedelta(days=local.weekday())

        def add(key, field, begin, end, tz, since):
            # Split at local midnights so each piece counts in its own week.
            cursor = begin
            while cursor < end:
                local = pytz.utc.localize(cursor).astimezone(tz)
                next_day = iv.local_day_bounds(local.date(), tz)[1]
                piece_end = min(end, next_day)
                week = week_of(cursor, tz)
                if since <= week <= last:
                    row = rows.setdefault((week,) + key, {"available_hours": 0.0, "booked_hours": 0.0})
                    row[field] += (piece_end - cursor).total_seconds() / 3600
                cursor = piece_end

        for location in locations:
            if location not in first_use:
                continue
            tz = pytz.timezone(location.tz or "UTC")
            since = max(first, week_of(first_use[location], tz))
            providers = self.env["clinic.provider"].search(
                ["|", ("location_ids", "=", False), ("location_ids", "in", location.ids)]
            )
            opening = []
            work_by_provider = providers._get_work_intervals(location, start, stop)
            for provider in providers:
                work = work_by_provider[provider.id]
                opening += work
                for begin, end in work:
                    add(("provider", provider.id, False, location.id), "available_hours", begin, end, tz, since)
            # A room is available whenever someone can work at its location.
            for room in self.env["clinic.room"].search([("location_id", "=", location.id)]):
                for begin, end in iv.merge(opening):
                    add(("room", False, room.id, location.id), "available_hours", begin, end, tz, since)
            for appointment in appointments.filtered(lambda a, loc=location: a.location_id == loc):
                add(("provider", appointment.provider_id.id, False, location.id), "booked_hours",
                    appointment.start, appointment.stop, tz, since)
                if appointment.room_id:
                    add(("room", False, appointment.room_id.id, location.id), "booked_hours",
                        appointment.start, appointment.stop, tz, since)
        self.search([("week", ">=", first), ("week", "<=", last)]).unlink()
        values = []
        for (week, kind, provider_id, room_id, location_id), row in rows.items():
            available = row["available_hours"]
            values.append(dict(row, week=week, kind=kind, provider_id=provider_id, room_id=room_id,
                               location_id=location_id,
                               utilization=100.0 * row["booked_hours"] / available if available else 0.0))
        return self.create(values)

    @api.model
    def action_refresh(self):
        """The Recompute button of clinic managers. The rows are derived data only the system
        writes (managers read them): sudo after checking the caller is a manager."""
        if not self.env.user.has_group("clinic_scheduling.group_clinic_manager"):
            raise AccessError(self.env._("Only a clinic manager may recompute utilization."))
        self.sudo()._compute_utilization()
        return {"type": "ir.actions.client", "tag": "reload"}
