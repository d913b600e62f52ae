"""The availability engine: ``clinic.service._get_available_slots`` (DESIGN.md).

One call answers for many providers and days with a fixed number of queries: the providers, their
working-hours lines, the locations and their opening hours, the rooms, the leaves, the active
appointments and the providers' busy calendar events in the window are each read once; everything
else is interval arithmetic in memory (``tools/intervals.py``). Working hours and leaves come from
``clinic.provider._read_work_time`` (``tools/worktime.py``), the same expansion as
``clinic.provider._get_work_intervals``; the engine keeps the anchored pieces for its slot grid
and counts time off as busy time, so that buffers cannot overlap it.
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
        calendars = providers.resource_calendar_id | locations.resource_calendar_id | rooms.resource_calendar_id
        work_time = self.env["clinic.provider"]._read_work_time(
            calendars, providers.resource_id | rooms.resource_id, window
        )
        busy = service._availability_busy(providers, rooms, window)

        places = {location.id: location._work_place() for location in locations}
        opening = {location_id: work_time.opening(place) for location_id, place in places.items()}

        duration = timedelta(minutes=service.duration)
        before, after = timedelta(minutes=service.buffer_before), timedelta(minutes=service.buffer_after)
        interval = timedelta(minutes=service.slot_interval)

        # Per location, its rooms as (room id, range starts, ranges): plain values for the slot loop.
        location_rooms = defaultdict(list)
        for room in rooms:
            place = places[room.location_id.id]
            pieces = [(window[0], window[1], window[0])]
            if opening[place.id] is not None:
                pieces = iv.intersect(pieces, opening[place.id])
            if room.resource_calendar_id:
                room_hours = work_time.hours(room.resource_calendar_id.id, place)
                pieces = iv.intersect(pieces, iv.merge((s, e) for s, e, _a in room_hours))
            room_busy = iv.merge(busy["room", room.id] + work_time.resource_leaves(room.resource_id.id))
            ranges = iv.allowed_starts(pieces, room_busy, duration, before, after, earliest, latest)
            location_rooms[place.id].append((room.id, [r[0] for r in ranges], ranges))

        room_required = service.room_required
        slots = []
        for order, provider in enumerate(providers):
            provider_id, calendar_id = provider.id, provider.resource_calendar_id.id
            provider_busy = iv.merge(
                busy["provider", provider_id] + busy["user", provider.user_id.id]
                + work_time.time_off(provider.resource_id.id, calendar_id)
            )
            if provider.location_ids:
                provider_locations = provider.location_ids & locations
            else:
                # No locations listed: every location of the provider's company.
                provider_locations = locations.filtered(
                    lambda loc, company=provider.company_id: not company or loc.company_id == company
                )
            for location_id in provider_locations.ids:
                place = places[location_id]
                pieces = work_time.work(calendar_id, place)
                ranges = iv.allowed_starts(pieces, provider_busy, duration, before, after, earliest, latest)
                free_rooms = location_rooms[location_id]
                # Overlapping working-hours lines would offer a start twice: once is enough.
                for start in sorted(set(iv.step(ranges, interval, place.tz))):
                    room_id = False
                    if room_required:
                        # The first room in which the start is allowed (inlined: the hottest loop).
                        for free_room_id, room_starts, room_ranges in free_rooms:
                            index = bisect_right(room_starts, start) - 1
                            if index >= 0 and room_ranges[index][0] <= start <= room_ranges[index][1]:
                                room_id = free_room_id
                                break
                        else:
                            continue
                    slots.append((start, order, location_id, room_id, provider_id))
        slots.sort()
        return [
            {"start": start, "stop": start + duration, "provider_id": provider_id, "location_id": location_id,
             "room_id": room_id}
            for start, _order, location_id, room_id, provider_id in slots
        ]

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
            domain, ["sequence", "resource_id", "resource_calendar_id", "user_id", "location_ids", "tz", "company_id"],
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

    def _availability_busy(self, providers, rooms, window):
        """Busy intervals keyed ("provider", id), ("room", id) and ("user", id) for users' events."""
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
        users = providers.user_id
        if users:
            # The providers' own busy Odoo Calendar events (not the mirrors of clinic appointments),
            # found through their users' partners in the same query.
            self.env["calendar.event"].flush_model(
                ["active", "show_as", "start", "stop", "allday", "start_date", "stop_date", "res_model"]
            )
            self.env["calendar.attendee"].flush_model(["partner_id", "state", "event_id"])
            self.env["res.users"].flush_model(["partner_id"])
            self.env.cr.execute(
                """
                SELECT u.id, e.start, e.stop, e.allday, e.start_date, e.stop_date
                  FROM res_users u
                  JOIN calendar_attendee a ON a.partner_id = u.partner_id
                  JOIN calendar_event e ON e.id = a.event_id
                 WHERE u.id = ANY(%s) AND a.state != 'declined'
                   AND e.active AND e.show_as = 'busy'
                   AND e.stop > %s AND e.start < %s
                   AND (e.res_model IS NULL OR e.res_model != 'clinic.appointment')
                """,
                [users.ids, window[0], window[1]],
            )
            tz_by_user = None
            for user_id, start, stop, allday, start_date, stop_date in self.env.cr.fetchall():
                if allday:
                    # The providers' time zones are read only for all-day events.
                    if tz_by_user is None:
                        tz_by_user = {p.user_id.id: pytz.timezone(p.tz or "UTC") for p in providers if p.user_id}
                    tz = tz_by_user.get(user_id, pytz.utc)
                    start = iv.local_day_bounds(start_date, tz)[0]
                    stop = iv.local_day_bounds(stop_date, tz)[1]
                busy["user", user_id].append((start, stop))
        return busy

