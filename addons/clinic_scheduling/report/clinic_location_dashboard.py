from datetime import timedelta

import pytz

from odoo import fields, models

from ..models.clinic_appointment import ACTIVE_STATES
from ..tools import intervals as iv


class ClinicLocation(models.Model):
    """The clinic dashboard: one card per location with today's and this week's figures."""

    _inherit = "clinic.location"

    dash_today_count = fields.Integer(string="Today", compute="_compute_dashboard")
    dash_in_clinic_count = fields.Integer(string="In the Clinic", compute="_compute_dashboard")
    dash_week_no_show_count = fields.Integer(string="No-Shows This Week", compute="_compute_dashboard")
    dash_week_cancel_count = fields.Integer(string="Cancellations This Week", compute="_compute_dashboard")
    dash_waitlist_count = fields.Integer(string="Waiting", compute="_compute_dashboard")
    dash_utilization = fields.Float(string="Utilization This Week (%)", compute="_compute_dashboard")

    def _local_ranges(self):
        """UTC bounds of today and of this week (Monday on), in the location's time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        monday = today - timedelta(days=today.weekday())
        day = iv.local_day_bounds(today, tz)
        week = (iv.local_day_bounds(monday, tz)[0], iv.local_day_bounds(monday + timedelta(days=6), tz)[1])
        return day, week, monday

    def _compute_dashboard(self):
        Appointment = self.env["clinic.appointment"]
        Waitlist = self.env["clinic.waitlist"]
        Utilization = self.env["clinic.utilization"]
        for location in self:
            (day_start, day_stop), (week_start, week_stop), monday = location._local_ranges()
            today = dict(Appointment._read_group(
                [("location_id", "=", location.id), ("start", ">=", day_start), ("start", "<", day_stop)],
                ["state"], ["__count"],
            ))
            week = dict(Appointment._read_group(
                [("location_id", "=", location.id), ("start", ">=", week_start), ("start", "<", week_stop),
                 ("state", "in", ("no_show", "cancelled"))], ["state"], ["__count"],
            ))
            location.dash_today_count = sum(today.get(state, 0) for state in ACTIVE_STATES)
            location.dash_in_clinic_count = today.get("arrived", 0) + today.get("in_session", 0)
            location.dash_week_no_show_count = week.get("no_show", 0)
            location.dash_week_cancel_count = week.get("cancelled", 0)
            location.dash_waitlist_count = Waitlist.search_count(
                [("state", "in", ("waiting", "offered")), "|", ("location_id", "=", False),
                 ("location_id", "=", location.id)]
            ) if Waitlist.has_access("read") else 0
            rows = Utilization.search([("location_id", "=", location.id), ("kind", "=", "provider"),
                                       ("week", "=", monday)]) if Utilization.has_access("read") else Utilization
            available = sum(rows.mapped("available_hours"))
            location.dash_utilization = 100.0 * sum(rows.mapped("booked_hours")) / available if available else 0.0

    def _dashboard_action(self, xmlid, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def action_dash_today(self):
        self.ensure_one()
        (day_start, day_stop), _week, _monday = self._local_ranges()
        return self._dashboard_action("clinic_scheduling.clinic_appointment_action", [
            ("location_id", "=", self.id), ("start", ">=", day_start), ("start", "<", day_stop),
            ("state", "in", ACTIVE_STATES),
        ])

    def action_dash_week_no_shows(self):
        self.ensure_one()
        _day, (week_start, week_stop), _monday = self._local_ranges()
        return self._dashboard_action("clinic_scheduling.clinic_appointment_action", [
            ("location_id", "=", self.id), ("start", ">=", week_start), ("start", "<", week_stop),
            ("state", "in", ("no_show", "cancelled")),
        ])

    def action_dash_waitlist(self):
        self.ensure_one()
        return self._dashboard_action("clinic_scheduling.clinic_waitlist_action", [
            ("state", "in", ("waiting", "offered")), "|", ("location_id", "=", False), ("location_id", "=", self.id),
        ])
