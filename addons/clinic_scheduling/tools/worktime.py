"""Working time: working-hours lines turned into UTC work pieces, computed once per call.

``clinic.provider._read_work_time`` reads what this needs in two queries (the lines of every
calendar involved, the leaves of every resource involved) and hands it to a ``WorkTime``. The
availability engine (``clinic.service._get_available_slots``) and
``clinic.provider._get_work_intervals`` (day view, utilization, booking insights, volume generator)
then ask it for pieces: plain Python on plain values, no query, no record.

The rules, the same for every caller:

- a line counts on the local days of its weekday, between its optional dates, in its week of a
  two-week calendar, from ``hour_from`` to ``hour_to`` in the wall-clock time of the *location*
  (``intervals.local_to_utc``: DST in one place);
- a line naming a location counts only there; a line naming none counts at whichever location the
  caller asks about (the caller knows where a provider may work);
- a location with opening hours is open during its calendar's lines at that location, minus that
  calendar's leaves and company-wide closures (leaves with neither resource nor calendar); a
  location without opening hours is always open;
- a provider's time off: the leaves of their resource, of their working-hours calendar and
  company-wide closures.

Expansions are cached by (calendar, location, time zone): fifty providers usually share a handful of
calendars, and the expansion (one ``local_to_utc`` per line and day) is the costly part.
"""
from collections import defaultdict, namedtuple
from datetime import timedelta

import pytz

from . import intervals as iv

ONE_DAY = timedelta(days=1)

Place = namedtuple("Place", "id calendar_id tz")
Place.__doc__ = """Where work happens: a location's id, its opening-hours calendar id (or False) and
its time zone (a pytz time zone)."""

Line = namedtuple("Line", "weekday hour_from hour_to date_from date_to week_type location_id")
Line.__doc__ = """A working-hours line (``resource.calendar.attendance``) as plain values: weekday
0-6 (Monday 0), hours as floats, optional dates, week type '0'/'1' or False, location id or False."""


class WorkTime:
    """Work pieces over one window, for the calendars and leaves it was given.

    Pieces are anchored ``(start, stop, anchor)`` naive UTC tuples as in ``intervals``: the anchor
    is the start of the line the piece comes from, so that slot grids follow each line. Returned
    lists are shared through the cache: callers must not change them.
    """

    def __init__(self, lines, leaves, window, week_type):
        """
        :param lines: {calendar id: [Line]}
        :param leaves: {("resource", resource id) or ("calendar", calendar id or False): [(start, stop)]}
        :param window: (start, stop) naive UTC; every local day it touches is expanded
        :param week_type: date -> 0 or 1, the week of a two-week calendar
            (``resource.calendar.attendance.get_week_type``)
        """
        self.lines = lines
        self.leaves = leaves
        self.window = window
        self.week_type = week_type
        self._hours = {}
        self._opening = {}
        self._work = {}

    def hours(self, calendar_id, place):
        """Anchored pieces of the lines of ``calendar_id`` that count at ``place``, sorted."""
        key = (calendar_id, place.id, place.tz.zone)
        if key not in self._hours:
            self._hours[key] = self._expand(self.lines.get(calendar_id, ()), place.id, place.tz)
        return self._hours[key]

    def opening(self, place):
        """Merged (start, stop) intervals in which ``place`` is open, or None: always open."""
        if not place.calendar_id:
            return None
        key = (place.id, place.calendar_id, place.tz.zone)
        if key not in self._opening:
            closed = iv.merge([*self.leaves.get(("calendar", place.calendar_id), ()),
                               *self.leaves.get(("calendar", False), ())])
            pieces = iv.subtract(self.hours(place.calendar_id, place), closed)
            self._opening[key] = iv.merge((start, stop) for start, stop, _anchor in pieces)
        return self._opening[key]

    def work(self, calendar_id, place):
        """Anchored pieces of working-hours ``calendar_id`` at ``place``, inside its opening hours
        (time off not removed: see ``time_off``)."""
        key = (calendar_id, place.id, place.calendar_id, place.tz.zone)
        if key not in self._work:
            pieces = self.hours(calendar_id, place)
            opening = self.opening(place)
            self._work[key] = pieces if opening is None else iv.intersect(pieces, opening)
        return self._work[key]

    def time_off(self, resource_id, calendar_id):
        """(start, stop) leaves of a provider (not merged): their own, their calendar's, company-wide."""
        return [*self.leaves.get(("resource", resource_id), ()), *self.leaves.get(("calendar", calendar_id), ()),
                *self.leaves.get(("calendar", False), ())]

    def resource_leaves(self, resource_id):
        """(start, stop) leaves of one resource (a room's closures), not merged."""
        return list(self.leaves.get(("resource", resource_id), ()))

    def _expand(self, lines, location_id, tz):
        by_weekday = defaultdict(list)
        for line in lines:
            if not line.location_id or line.location_id == location_id:
                by_weekday[line.weekday].append(line)
        if not by_weekday:
            return []
        day = pytz.utc.localize(self.window[0]).astimezone(tz).date()
        last = pytz.utc.localize(self.window[1]).astimezone(tz).date()
        pieces = []
        while day <= last:
            week = None
            for line in by_weekday.get(day.weekday(), ()):
                if (line.date_from and day < line.date_from) or (line.date_to and day > line.date_to):
                    continue
                if line.week_type:
                    if week is None:
                        week = str(self.week_type(day))
                    if line.week_type != week:
                        continue
                start = iv.local_to_utc(day, line.hour_from, tz)
                stop = iv.local_to_utc(day, line.hour_to, tz)
                if start < stop:
                    pieces.append((start, stop, start))
            day += ONE_DAY
        pieces.sort()
        return pieces
