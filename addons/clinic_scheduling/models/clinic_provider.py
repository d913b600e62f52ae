from collections import defaultdict

from odoo import api, fields, models

from ..tools import intervals as iv
from ..tools import validation
from ..tools.worktime import Line, WorkTime


class ClinicProvider(models.Model):
    _name = "clinic.provider"
    _description = "Clinic Provider"
    _check_company_auto = True
    _inherit = ["resource.mixin", "mail.thread", "mail.activity.mixin", "avatar.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(
        related="resource_id.name", store=True, readonly=False, required=True, precompute=True, tracking=True
    )
    active = fields.Boolean(related="resource_id.active", store=True, readonly=False, default=True, tracking=True)
    user_id = fields.Many2one(
        related="resource_id.user_id", store=True, readonly=False, index=True, tracking=True,
        help="The Odoo user of this provider: their calendar shows their appointments.",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="resource_id.company_id", store=True, readonly=False, precompute=True)
    resource_calendar_id = fields.Many2one(tracking=True)
    discipline = fields.Selection(
        [
            ("physiotherapy", "Physiotherapy"),
            ("massage", "Massage Therapy"),
            ("chiropractic", "Chiropractic"),
            ("counselling", "Counselling"),
            ("rehab", "Rehabilitation"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    title = fields.Char(help="Shown to clients, e.g. 'Registered Physiotherapist'.", translate=True)
    service_ids = fields.Many2many(
        "clinic.service", "clinic_provider_service_rel", "provider_id", "service_id", string="Services"
    )
    location_ids = fields.Many2many(
        "clinic.location", "clinic_provider_location_rel", "provider_id", "location_id", string="Locations",
        check_company=True, help="Where the provider works. Empty: at every location of their company.",
    )
    online_bookable = fields.Boolean(
        default=True, tracking=True, help="Clients can book this provider from the website."
    )
    color = fields.Integer()
    email = fields.Char()
    phone = fields.Char()

    # ------------------------------------------------------------------------------------------
    # Working time: the one place where working hours become UTC intervals (tools/worktime.py)
    # ------------------------------------------------------------------------------------------
    def _get_work_intervals(self, location, date_from, date_to):
        """{provider id: merged (start, stop) naive UTC intervals} in which each provider of ``self``
        works at ``location`` between ``date_from`` and ``date_to`` (naive UTC, the intervals are cut
        to them): working hours (a line naming another location does not count here) inside the
        location's opening hours, minus time off and blocked time (the provider's own, their
        calendar's, the location calendar's, company-wide closures), in the location's time zone,
        DST included. A provider who does not work at ``location`` gets no interval.

        The same number of queries for any number of providers and days: besides the providers' and
        the location's own fields, one for the working-hours lines and one for the leaves. The day
        view, utilization, booking insights and the volume generator use it; the availability
        engine uses the same ``WorkTime`` with its own handling of time off (busy time, so that
        buffers cannot overlap it).
        """
        # Working hours and leaves of everyone, reduced to free/not free intervals that are returned
        # to the caller: no record leaves this method, so it reads them as superuser.
        providers, location = self.sudo(), location.sudo()
        work_time = providers._read_work_time(
            providers.resource_calendar_id | location.resource_calendar_id, providers.resource_id,
            (date_from, date_to),
        )
        place = location._work_place()
        result = {}
        for provider in providers:
            if provider.location_ids and location not in provider.location_ids:
                result[provider.id] = []
                continue
            calendar_id = provider.resource_calendar_id.id
            pieces = iv.subtract(
                work_time.work(calendar_id, place),
                iv.merge(work_time.time_off(provider.resource_id.id, calendar_id)),
            )
            result[provider.id] = iv.clip(iv.merge((s, e) for s, e, _a in pieces), date_from, date_to)
        return result

    @api.model
    def _read_work_time(self, calendars, resources, window):
        """A ``WorkTime`` over ``window`` (naive UTC) that knows the working-hours lines of
        ``calendars`` and the leaves of ``resources``, of those calendars and company-wide ones that
        overlap the window: two queries, whatever the number of calendars, resources and days.

        Working hours and leaves are read as superuser, as the engine reads them: callers get
        intervals, never these records (names and reasons of time off stay private)."""
        attendances = self.env["resource.calendar.attendance"].sudo().search_fetch(
            [("calendar_id", "in", calendars.ids), ("display_type", "=", False), ("day_period", "!=", "lunch")],
            ["calendar_id", "dayofweek", "hour_from", "hour_to", "date_from", "date_to", "week_type",
             "clinic_location_id"],
        )
        lines = defaultdict(list)
        for attendance in attendances:
            lines[attendance.calendar_id.id].append(Line(
                int(attendance.dayofweek), attendance.hour_from, attendance.hour_to, attendance.date_from,
                attendance.date_to, attendance.week_type, attendance.clinic_location_id.id,
            ))
        leaves = defaultdict(list)
        records = self.env["resource.calendar.leaves"].sudo().search_fetch(
            [("date_from", "<", window[1]), ("date_to", ">", window[0]),
             "|", ("resource_id", "in", resources.ids),
             "&", ("resource_id", "=", False), ("calendar_id", "in", calendars.ids + [False])],
            ["resource_id", "calendar_id", "date_from", "date_to"],
        )
        for leave in records:
            key = ("resource", leave.resource_id.id) if leave.resource_id else ("calendar", leave.calendar_id.id)
            leaves[key].append((leave.date_from, leave.date_to))
        week_type = self.env["resource.calendar.attendance"].get_week_type
        return WorkTime(dict(lines), dict(leaves), window, week_type)

    @api.constrains("name", "title")
    def _check_text_sizes(self):
        for record in self:
            for name in ("name", "title",):
                validation.check_text(self.env, record[name], self._fields[name].string, validation.MAX_NAME)
