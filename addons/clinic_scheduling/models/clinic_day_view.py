from datetime import date, datetime

import pytz

from odoo import api, fields, models

from ..tools import intervals as iv


class ClinicAppointment(models.Model):
    _inherit = "clinic.appointment"

    @api.model
    def get_day_view_data(self, day=None, location_id=None):
        """Everything the front desk's day view draws for one location and local day: providers
        as columns with their working hours and blocked time, and the appointments, in minutes
        from local midnight."""
        self.check_access("read")
        Location = self.env["clinic.location"]
        locations = Location.search([])
        location = Location.browse(location_id).exists() if location_id else locations[:1]
        if not location:
            return {"locations": [], "providers": [], "appointments": []}
        tz = pytz.timezone(location.tz or "UTC")
        day = fields.Date.to_date(day) if day else datetime.now(tz).date()
        day_start, day_stop = iv.local_day_bounds(day, tz)

        def minutes(moment):
            local = pytz.utc.localize(moment).astimezone(tz)
            minute = (local.date() - day).days * 1440 + local.hour * 60 + local.minute
            return max(0, min(1440, minute))

        providers = self.env["clinic.provider"].search(
            ["|", ("location_ids", "=", False), ("location_ids", "in", location.ids)], order="sequence, id"
        )
        Service = self.env["clinic.service"]
        leaves = self.env["resource.calendar.leaves"].sudo().search_fetch(
            [("resource_id", "in", providers.resource_id.ids), ("date_from", "<", day_stop),
             ("date_to", ">", day_start)], ["resource_id", "date_from", "date_to", "name", "time_type"],
        )
        columns = []
        for provider in providers:
            work = Service._get_work_intervals(provider, location, day_start, day_stop)
            columns.append({
                "id": provider.id,
                "name": provider.name,
                "work": [[minutes(max(s, day_start)), minutes(min(e, day_stop))] for s, e in work
                         if s < day_stop and e > day_start],
                "blocks": [
                    {"start": minutes(max(leave.date_from, day_start)), "end": minutes(min(leave.date_to, day_stop)),
                     "label": leave.name or (self.env._("Time off") if leave.time_type == "leave" else ""),
                     "kind": leave.time_type}
                    for leave in leaves if leave.resource_id == provider.resource_id
                ],
            })
        appointments = self.search(
            [("location_id", "=", location.id), ("start", "<", day_stop), ("stop", ">", day_start),
             ("state", "!=", "cancelled"), ("provider_id", "in", providers.ids)], order="start",
        )
        spans = [minute for column in columns for s, e in column["work"] for minute in (s, e)]
        first = min([m // 60 for m in spans] + [minutes(a.start) // 60 for a in appointments] + [8])
        last = max([-(-m // 60) for m in spans] + [-(-minutes(a.stop) // 60) for a in appointments] + [18])
        return {
            "day": fields.Date.to_string(day),
            "day_label": day.strftime("%A %d %B %Y"),
            "location": {"id": location.id, "name": location.name, "tz": location.tz},
            "locations": [{"id": loc.id, "name": loc.name} for loc in locations],
            "hours": [first, last],
            "providers": columns,
            "appointments": [{
                "id": a.id,
                "provider_id": a.provider_id.id,
                "start": minutes(a.start),
                "end": minutes(a.stop),
                "time": "%s–%s" % (pytz.utc.localize(a.start).astimezone(tz).strftime("%H:%M"),
                                   pytz.utc.localize(a.stop).astimezone(tz).strftime("%H:%M")),
                "partner": a.partner_id.name,
                "service": a.service_id.name,
                "room": a.room_id.name or "",
                "state": a.state,
                "color": a.service_id.color or 0,
                "alert": bool(a.partner_id.clinic_alert),
            } for a in appointments],
        }

    def action_day_view_move(self, provider_id, day, minute):
        """Drag and drop in the day view: move to ``minute`` after local midnight of ``day`` with
        ``provider_id``, through the same validation as any other change."""
        self.ensure_one()
        tz = pytz.timezone(self.location_id.tz or "UTC")
        local_day = fields.Date.to_date(day) if not isinstance(day, date) else day
        start = iv.local_to_utc(local_day, minute / 60.0, tz)
        self.write({"start": start, "stop": start + (self.stop - self.start), "provider_id": provider_id})
        return True

    def _notify_schedule_changed(self):
        """Tell open day views (front desk, providers) to refresh, once the transaction commits."""
        groups = self.env.ref("clinic_scheduling.group_clinic_frontdesk") | self.env.ref(
            "clinic_scheduling.group_clinic_provider"
        )
        payload = {"location_ids": self.location_id.ids}
        for group in groups:
            self.env["bus.bus"]._sendone(group, "clinic.schedule/changed", payload)
