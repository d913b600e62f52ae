"""The availability engine: ``clinic.service._get_available_slots`` (DESIGN.md).

One call answers for many providers and days with a fixed number of queries: the providers, their
working-hours lines, the locations and their opening hours, the rooms, the leaves, the active
appointments and the providers' busy calendar events in the window are each read once; everything
else is interval arithmetic in memory (``tools/intervals.py``).
"""
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytz

from odoo import fields, models
from odoo.osv import expression

from ..tools import intervals as iv
from .clinic_appointment import ACTIVE_STATES


class ClinicService(models.Model):
    _inherit = "clinic.service"

    def _get_available_slots(self, date_from, date_to, provider_ids=None, location_id=None, online=True):
        """Free slots of this service whose start falls in [date_from, date_to) (naive UTC datetimes).

        :param provider_ids: restrict to these providers (default: every active provider offering it)
        :param location_id: restrict to this location
        :param online: apply the online rules (service and provider bookable online, minimum notice,
            booking horizon); staff booking passes False and may book outside them.
        :return: list of dicts ``{start, stop, provider_id, location_id, room_id}`` sorted by start,
            then provider order; ``room_id`` is the first free matching room (False when the service
            needs none).
        """
        self.ensure_one()
        # The engine reads everyone's busy time (appointments, private calendar events, leaves) and
        # returns only free slots, never those records: it runs as superuser for any caller.
        service = self.sudo()
        if isinstance(date_from, date) and not isinstance(date_from, datetime):
            date_from = datetime.combine(date_from, datetime.min.time())
        if isinstance(date_to, date) and not isinstance(date_to, datetime):
            date_to = datetime.combine(date_to, datetime.min.time())
        now = fields.Datetime.now()
        earliest, latest = date_from, date_to - timedelta(microseconds=1)
        if online:
            if not service.online_bookable:
                return []
            earliest = max(earliest, now + timedelta(hours=service.min_notice_hours))
            latest = min(latest, now + timedelta(days=service.horizon_days))
        if earliest > latest:
            return []

        providers = service._availability_providers(provider_ids, location_id, online)
        if not providers:
            return []
        locations = providers.location_ids | service.location_ids
        if location_id:
            locations = locations.filtered(lambda loc: loc.id == location_id)
        if service.location_ids:
            locations &= service.location_ids
        if not locations:
            return []
        rooms = service._availability_rooms(locations)
        if service.room_required and not rooms:
            return []

        # The window read from the database covers the buffers and a day either side for time zones.
        margin = timedelta(days=1, minutes=service.duration + service.buffer_before + service.buffer_after)
        window = (earliest - margin, latest + margin)
        calendars = providers.resource_calendar_id | locations.resource_calendar_id
        attendances = self.env["resource.calendar.attendance"].sudo().search_fetch(
            [("calendar_id", "in", calendars.ids), ("display_type", "=", False),
             ("day_period", "!=", "lunch")],
            ["calendar_id", "dayofweek", "hour_from", "hour_to", "date_from", "date_to", "week_type",
             "clinic_location_id"],
        )
        by_calendar = defaultdict(list)
        for attendance in attendances:
            by_calendar[attendance.calendar_id.id].append(attendance)
        leaves = service._availability_leaves(providers, rooms, calendars, window)
        busy = service._availability_busy(providers, rooms, window)

        opening = {}
        for location in locations:
            tz = pytz.timezone(location.tz or "UTC")
            if location.resource_calendar_id:
                pieces = self._expand_attendances(
                    by_calendar[location.resource_calendar_id.id], window, tz, location, locations
                )
                holes = iv.merge(leaves["calendar", location.resource_calendar_id.id] + leaves["calendar", False])
                opening[location.id] = iv.merge((s, e) for s, e, _a in iv.subtract(pieces, holes))
            else:
                opening[location.id] = None

        duration = timedelta(minutes=service.duration)
        before, after = timedelta(minutes=service.buffer_before), timedelta(minutes=service.buffer_after)
        interval = timedelta(minutes=service.slot_interval)

        room_ranges = {}
        for room in rooms:
            pieces = [(window[0], window[1], window[0])]
            if opening[room.location_id.id] is not None:
                pieces = iv.intersect(pieces, opening[room.location_id.id])
            if room.resource_calendar_id:
                tz = pytz.timezone(room.location_id.tz or "UTC")
                room_hours = self._expand_attendances(
                    by_calendar[room.resource_calendar_id.id], window, tz, room.location_id, locations
                )
                pieces = iv.intersect(pieces, iv.merge((s, e) for s, e, _a in room_hours))
            room_busy = iv.merge(busy["room", room.id] + leaves["resource", room.resource_id.id])
            ranges = iv.allowed_starts(pieces, room_busy, duration, before, after, earliest, latest)
            room_ranges[room.id] = ([r[0] for r in ranges], ranges)

        slots = []
        for order, provider in enumerate(providers):
            provider_busy = iv.merge(
                busy["provider", provider.id] + busy["partner", provider.user_id.partner_id.id]
                + leaves["resource", provider.resource_id.id]
                + leaves["calendar", provider.resource_calendar_id.id] + leaves["calendar", False]
            )
            provider_locations = provider.location_ids & locations if provider.location_ids else locations
            lines = by_calendar[provider.resource_calendar_id.id]
            for location in provider_locations:
                tz = pytz.timezone(location.tz or "UTC")
                pieces = self._expand_attendances(lines, window, tz, location, provider_locations)
                if opening[location.id] is not None:
                    pieces = iv.intersect(pieces, opening[location.id])
                ranges = iv.allowed_starts(pieces, provider_busy, duration, before, after, earliest, latest)
                location_rooms = [room for room in rooms if room.location_id == location]
                # Overlapping working-hours lines would offer a start twice: once is enough.
                for start in sorted(set(iv.step(ranges, interval, tz))):
                    room_id = False
                    if service.room_required:
                        room_id = self._first_free_room(location_rooms, room_ranges, start)
                        if not room_id:
                            continue
                    slots.append((start, order, location.id, room_id, provider.id))
        slots.sort()
        return [
            {"start": start, "stop": start + duration, "provider_id": provider_id, "location_id": location_id,
             "room_id": room_id}
            for start, _order, location_id, room_id, provider_id in slots
        ]

    def _get_work_intervals(self, providers, location, date_from, date_to):
        """{provider id: merged UTC intervals in which the provider works at ``location``} between
        two naive UTC datetimes: working hours, minus leaves, inside the location's opening hours.

        Batched: the working hours and leaves of all ``providers`` are read once.
        """
        providers, location = providers.sudo(), location.sudo()
        window = (date_from - timedelta(days=1), date_to + timedelta(days=1))
        calendars = providers.resource_calendar_id | location.resource_calendar_id
        lines = defaultdict(list)
        for attendance in self.env["resource.calendar.attendance"].sudo().search(
            [("calendar_id", "in", calendars.ids), ("display_type", "=", False), ("day_period", "!=", "lunch")]
        ):
            lines[attendance.calendar_id.id].append(attendance)
        leaves = self._availability_leaves(providers, self.env["clinic.room"], calendars, window)
        tz = pytz.timezone(location.tz or "UTC")
        opening = None
        if location.resource_calendar_id:
            opening = iv.merge((s, e) for s, e, _a in self._expand_attendances(
                lines[location.resource_calendar_id.id], window, tz, location, location,
            ))
        result = {}
        for provider in providers:
            pieces = self._expand_attendances(
                lines[provider.resource_calendar_id.id], window, tz, location, provider.location_ids or location,
            )
            if opening is not None:
                pieces = iv.intersect(pieces, opening)
            holes = iv.merge(
                leaves["resource", provider.resource_id.id] + leaves["calendar", provider.resource_calendar_id.id]
                + leaves["calendar", location.resource_calendar_id.id] + leaves["calendar", False]
            )
            result[provider.id] = iv.merge((s, e) for s, e, _a in iv.subtract(pieces, holes))
        return result

    # ------------------------------------------------------------------------------------------
    def _availability_providers(self, provider_ids, location_id, online):
        domain = [("service_ids", "in", self.ids)]
        if provider_ids is not None:
            domain = expression.AND([domain, [("id", "in", list(provider_ids))]])
        if location_id:
            domain = expression.AND(
                [domain, ["|", ("location_ids", "=", False), ("location_ids", "in", [location_id])]]
            )
        if online:
            domain = expression.AND([domain, [("online_bookable", "=", True)]])
        return self.env["clinic.provider"].sudo().search_fetch(
            domain, ["sequence", "resource_id", "resource_calendar_id", "user_id", "location_ids", "tz"],
            order="sequence, id",
        )

    def _availability_rooms(self, locations):
        if not self.room_required:
            return self.env["clinic.room"]
        rooms = self.env["clinic.room"].sudo().search_fetch(
            [("location_id", "in", locations.ids)], ["location_id", "resource_id", "resource_calendar_id", "tag_ids"],
            order="sequence, id",
        )
        return rooms.filtered(lambda room: not (self.room_tag_ids - room.tag_ids))

    def _availability_leaves(self, providers, rooms, calendars, window):
        """Leaves in the window keyed ("resource", id) or ("calendar", id or False)."""
        leaves = defaultdict(list)
        records = self.env["resource.calendar.leaves"].sudo().search_fetch(
            [("date_from", "<", window[1]), ("date_to", ">", window[0]),
             "|", ("resource_id", "in", (providers.resource_id | rooms.resource_id).ids),
             "&", ("resource_id", "=", False), ("calendar_id", "in", calendars.ids + [False])],
            ["resource_id", "calendar_id", "date_from", "date_to"],
        )
        for leave in records:
            key = ("resource", leave.resource_id.id) if leave.resource_id else ("calendar", leave.calendar_id.id)
            leaves[key].append((leave.date_from, leave.date_to))
        return leaves

    def _availability_busy(self, providers, rooms, window):
        """Busy intervals keyed ("provider", id), ("room", id) and ("partner", id) for users' events."""
        busy = defaultdict(list)
        appointments = self.env["clinic.appointment"].sudo().search_fetch(
            [("state", "in", ACTIVE_STATES), ("overbooked", "=", False),
             ("busy_stop", ">", window[0]), ("busy_start", "<", window[1]),
             "|", ("provider_id", "in", providers.ids), ("room_id", "in", rooms.ids)],
            ["provider_id", "room_id", "busy_start", "busy_stop"],
        )
        for appointment in appointments:
            interval = (appointment.busy_start, appointment.busy_stop)
            busy["provider", appointment.provider_id.id].append(interval)
            if appointment.room_id:
                busy["room", appointment.room_id.id].append(interval)
        partners = providers.user_id.partner_id
        if partners:
            # The providers' own busy Odoo Calendar events (not the mirrors of clinic appointments).
            self.env["calendar.event"].flush_model(
                ["active", "show_as", "start", "stop", "allday", "start_date", "stop_date", "res_model"]
            )
            self.env["calendar.attendee"].flush_model(["partner_id", "state", "event_id"])
            self.env.cr.execute(
                """
                SELECT a.partner_id, e.start, e.stop, e.allday, e.start_date, e.stop_date
                  FROM calendar_attendee a
                  JOIN calendar_event e ON e.id = a.event_id
                 WHERE a.partner_id = ANY(%s) AND a.state != 'declined'
                   AND e.active AND e.show_as = 'busy'
                   AND e.stop > %s AND e.start < %s
                   AND (e.res_model IS NULL OR e.res_model != 'clinic.appointment')
                """,
                [partners.ids, window[0], window[1]],
            )
            rows = self.env.cr.fetchall()
            tz_by_partner = {p.user_id.partner_id.id: pytz.timezone(p.tz or "UTC") for p in providers if p.user_id}
            for partner_id, start, stop, allday, start_date, stop_date in rows:
                if allday:
                    tz = tz_by_partner.get(partner_id, pytz.utc)
                    start = iv.local_day_bounds(start_date, tz)[0]
                    stop = iv.local_day_bounds(stop_date, tz)[1]
                busy["partner", partner_id].append((start, stop))
        return busy

    def _expand_attendances(self, lines, window, tz, location, candidate_locations):
        """Anchored UTC work pieces of working-hours ``lines`` at ``location`` over the window.

        A line naming a location counts only there; a line naming none counts at every location the
        provider may work at (the caller passes them).
        """
        if location not in candidate_locations:
            return []
        first = pytz.utc.localize(window[0]).astimezone(tz).date()
        last = pytz.utc.localize(window[1]).astimezone(tz).date()
        week_type = self.env["resource.calendar.attendance"].get_week_type
        by_weekday = defaultdict(list)
        for line in lines:
            if line.clinic_location_id and line.clinic_location_id != location:
                continue
            by_weekday[int(line.dayofweek)].append(line)
        pieces = []
        day = first
        while day <= last:
            for line in by_weekday.get(day.weekday(), ()):
                if (line.date_from and day < line.date_from) or (line.date_to and day > line.date_to):
                    continue
                if line.week_type and line.week_type != str(week_type(day)):
                    continue
                start = iv.local_to_utc(day, line.hour_from, tz)
                stop = iv.local_to_utc(day, line.hour_to, tz)
                if start < stop:
                    pieces.append((start, stop, start))
            day += timedelta(days=1)
        pieces.sort()
        return pieces

    @staticmethod
    def _first_free_room(location_rooms, room_ranges, start):
        for room in location_rooms:
            starts, ranges = room_ranges[room.id]
            index = bisect_right(starts, start) - 1
            if index >= 0 and ranges[index][0] <= start <= ranges[index][1]:
                return room.id
        return False

