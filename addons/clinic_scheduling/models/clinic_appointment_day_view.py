from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import intervals as iv
from ..tools import validation
from .clinic_appointment import STATES, TRANSITIONS

# The state changes a day-view card offers (cancel opens its dialog for a reason).
DAY_VIEW_ACTIONS = ("action_arrive", "action_start_session", "action_done", "action_no_show", "action_cancel")


# Changes that move, add or remove a card in the schedule.
DAY_VIEW_FIELDS = {"start", "stop", "provider_id", "partner_id", "service_id", "location_id", "room_id", "state"}


class ClinicAppointment(models.Model):
    """The front desk's schedule: the data its day and week views draw, drag and drop, and the
    live refresh of open schedules when anyone changes an appointment."""

    _inherit = "clinic.appointment"

    @api.model_create_multi
    def create(self, vals_list):
        appointments = super().create(vals_list)
        appointments._notify_schedule_changed()
        return appointments

    def write(self, vals):
        result = super().write(vals)
        if DAY_VIEW_FIELDS.intersection(vals):
            self._notify_schedule_changed()
        return result

    @api.model
    def get_day_view_data(self, day=None, location_id=None, mode="day", provider_id=None):
        """What the front desk's schedule draws, in minutes from local midnight:

        - ``mode="day"``: one column per provider working at the location that day;
        - ``mode="week"``: one column per day (Monday to Sunday) for one provider.

        Each column has its working hours, its blocked time and time off; appointments name their
        column.
        """
        self.check_access("read")
        if mode not in ("day", "week"):
            raise UserError(self.env._("The schedule shows a day or a week."))
        day = validation.check_day(self.env, day, self.env._("Day")) if day else None
        location_id = validation.check_id(self.env, location_id, self.env._("Location"), required=False)
        provider_id = validation.check_id(self.env, provider_id, self.env._("Provider"), required=False)
        Location = self.env["clinic.location"]
        locations = Location.search([])
        location = Location.browse(location_id).exists() if location_id else locations[:1]
        if not location:
            return {"locations": [], "providers": [], "columns": [], "appointments": []}
        tz = pytz.timezone(location.tz or "UTC")
        day = fields.Date.to_date(day) if day else datetime.now(tz).date()
        providers = self.env["clinic.provider"].search(
            ["|", ("location_ids", "=", False), ("location_ids", "in", location.ids)], order="sequence, id"
        )
        if mode == "week":
            provider = providers.filtered(lambda p: p.id == provider_id) or providers[:1]
            monday = day - timedelta(days=day.weekday())
            days = [monday + timedelta(days=n) for n in range(7)]
            columns = [(d.isoformat(), d.strftime("%a %d"), provider, d) for d in days]
            first_day, last_day = days[0], days[-1]
            label = f"{provider.name}: {first_day.strftime('%d %b')} – {last_day.strftime('%d %b %Y')}"
        else:
            provider = providers[:1]
            columns = [(p.id, p.name, p, day) for p in providers]
            first_day = last_day = day
            label = day.strftime("%A %d %B %Y")
        span_start = iv.local_day_bounds(first_day, tz)[0]
        span_stop = iv.local_day_bounds(last_day, tz)[1]
        column_providers = provider if mode == "week" else providers
        leaves = self.env["resource.calendar.leaves"].sudo().search_fetch(
            [("resource_id", "in", column_providers.resource_id.ids), ("date_from", "<", span_stop),
             ("date_to", ">", span_start)], ["resource_id", "date_from", "date_to", "name", "time_type"],
        )
        appointments = self.search(
            [("location_id", "=", location.id), ("start", "<", span_stop), ("stop", ">", span_start),
             ("state", "!=", "cancelled"), ("provider_id", "in", column_providers.ids)], order="start",
        )
        work_by_provider = column_providers._get_work_intervals(location, span_start, span_stop)
        badges = appointments._get_day_view_badges()
        cards_by_provider = defaultdict(list)
        for appointment in appointments:
            cards_by_provider[appointment.provider_id.id].append(appointment)

        def local(moment):
            return pytz.utc.localize(moment).astimezone(tz)

        def minutes(moment, on_day):
            value = local(moment)
            return max(0, min(1440, (value.date() - on_day).days * 1440 + value.hour * 60 + value.minute))

        # The state changes a card offers, in this order, as the form's buttons allow them.
        actions_by_state = {
            state: [method for method in DAY_VIEW_ACTIONS if state in TRANSITIONS[method][0]]
            for state, _label in STATES
        }
        result_columns, cards, spans = [], [], []
        for key, title, col_provider, col_day in columns:
            start, stop = iv.local_day_bounds(col_day, tz)
            work = [[minutes(max(s, start), col_day), minutes(min(e, stop), col_day)]
                    for s, e in work_by_provider[col_provider.id] if s < stop and e > start]
            spans += [m for pair in work for m in pair]
            result_columns.append({
                "key": key, "title": title, "provider_id": col_provider.id, "day": col_day.isoformat(),
                "work": work,
                "blocks": [
                    {"start": minutes(max(leave.date_from, start), col_day),
                     "end": minutes(min(leave.date_to, stop), col_day),
                     "label": leave.name or (self.env._("Time off") if leave.time_type == "leave" else ""),
                     "kind": leave.time_type}
                    for leave in leaves
                    if leave.resource_id == col_provider.resource_id
                    and leave.date_from < stop and leave.date_to > start
                ],
            })
            for a in cards_by_provider[col_provider.id]:
                if not (a.start < stop and a.stop > start):
                    continue
                cards.append({
                    "id": a.id, "column": key, "start": minutes(a.start, col_day), "end": minutes(a.stop, col_day),
                    "time": "%s–%s" % (local(a.start).strftime("%H:%M"), local(a.stop).strftime("%H:%M")),
                    "partner": a.partner_id.name, "service": a.service_id.name, "room": a.room_id.name or "",
                    "state": a.state, "color": a.service_id.color or 0, "alert": bool(a.partner_id.clinic_alert),
                    "actions": actions_by_state.get(a.state, []), "badges": badges.get(a.id, []),
                })
        first = min([m // 60 for m in spans] + [c["start"] // 60 for c in cards] + [8])
        last = max([-(-m // 60) for m in spans] + [-(-c["end"] // 60) for c in cards] + [18])
        return {
            "mode": mode,
            "day": fields.Date.to_string(day),
            "label": label,
            "location": {"id": location.id, "name": location.name, "tz": location.tz},
            "locations": [{"id": loc.id, "name": loc.name} for loc in locations],
            "providers": [{"id": p.id, "name": p.name} for p in providers],
            "provider_id": provider.id,
            "hours": [first, last],
            "columns": result_columns,
            "appointments": cards,
            "state_labels": dict(self._fields["state"]._description_selection(self.env)),
        }

    def _get_day_view_badges(self):
        """Short labels the schedule shows on the cards of these appointments:
        ``{appointment id: [{"label": str, "level": "info"|"warning"|"danger", "title": str}]}``.

        An extension point: billing adds the authorization's remaining visits. Implementations
        read all the appointments at once (the day view's query count is pinned).
        """
        return {}

    def action_day_view_move(self, provider_id, day, minute):
        """Drag and drop in the schedule: move to ``minute`` after local midnight of ``day`` with
        ``provider_id``, through the same validation as any other change."""
        self.ensure_one()
        provider_id = validation.check_id(self.env, provider_id, self.env._("Provider"))
        local_day = validation.check_day(self.env, day, self.env._("Day"))
        minute = validation.check_number(self.env, minute, self.env._("Minute of the day"), 0, 24 * 60 - 1)
        tz = pytz.timezone(self.location_id.tz or "UTC")
        start = iv.local_to_utc(local_day, minute / 60.0, tz)
        self.write({"start": start, "stop": start + (self.stop - self.start), "provider_id": provider_id})
        return True

    def _notify_schedule_changed(self):
        """Tell open schedules (front desk, providers) to refresh, once the transaction commits."""
        # The ids from ir.model.data's cache: env.ref would also query each group's existence at
        # every booking, and these groups belong to this module.
        IrModelData = self.env["ir.model.data"]
        groups = self.env["res.groups"].browse([
            IrModelData._xmlid_to_res_id(f"clinic_scheduling.{name}", raise_if_not_found=True)
            for name in ("group_clinic_frontdesk", "group_clinic_provider")
        ])
        payload = {"location_ids": self.location_id.ids}
        for group in groups:
            self.env["bus.bus"]._sendone(group, "clinic.schedule/changed", payload)
