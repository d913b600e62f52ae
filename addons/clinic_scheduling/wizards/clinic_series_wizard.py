import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.clinic_series_rule_mixin import WEEKDAYS


class ClinicSeriesWizard(models.TransientModel):
    """Preview of a recurring series: a new one from an appointment, or the future of an existing
    one when it is extended or its rule changes. The series itself plans and books."""

    _name = "clinic.series.wizard"
    _inherit = ["clinic.series.rule.mixin"]
    _description = "Plan a Recurring Series"

    series_id = fields.Many2one("clinic.appointment.series", string="Series")
    appointment_id = fields.Many2one("clinic.appointment", string="From Appointment")
    partner_id = fields.Many2one("res.partner", string="Client", required=True)
    service_id = fields.Many2one("clinic.service", required=True)
    provider_id = fields.Many2one("clinic.provider", required=True, domain="[('service_ids', 'in', service_id)]")
    location_id = fields.Many2one("clinic.location", required=True)
    first_start = fields.Datetime(string="First Visit", required=True)
    line_ids = fields.One2many("clinic.series.wizard.line", "wizard_id", compute="_compute_line_ids", store=True)
    conflict_count = fields.Integer(compute="_compute_line_ids", store=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        series = self.env["clinic.appointment.series"].browse(values.get("series_id"))
        if series:
            first = series._get_occurrences()[:1]
            values.update({
                "partner_id": series.partner_id.id, "service_id": series.service_id.id,
                "provider_id": series.provider_id.id, "location_id": series.location_id.id,
                "first_start": first[0] if first else fields.Datetime.now(),
                **series._rule_values(),
            })
        return values

    def _series_values(self):
        """The series this wizard describes, as ``clinic.appointment.series`` values."""
        tz = pytz.timezone(self.location_id.tz or "UTC")
        local = pytz.utc.localize(self.first_start).astimezone(tz)
        return {
            "partner_id": self.partner_id.id, "service_id": self.service_id.id, "provider_id": self.provider_id.id,
            "location_id": self.location_id.id, "case_id": self.series_id.case_id.id or self.appointment_id.case_id.id,
            "first_date": local.date(), "local_time": local.hour + local.minute / 60,
            **self._rule_values(),
        }

    def _booked(self):
        return self.series_id.appointment_ids or self.appointment_id

    @api.depends("series_id", "partner_id", "service_id", "provider_id", "location_id", "first_start",
                 "interval_weeks", "end_type", "count", "until", *WEEKDAYS)
    def _compute_line_ids(self):
        for wizard in self:
            ready = wizard.service_id and wizard.provider_id and wizard.location_id and wizard.first_start
            lines = []
            if ready and wizard.interval_weeks > 0 and not (wizard.end_type == "until" and not wizard.until):
                preview = self.env["clinic.appointment.series"].new(wizard._series_values())
                since = fields.Datetime.now() if wizard.series_id else None
                lines = preview._plan(booked=wizard._booked(), since=since)
            wizard.line_ids = [Command.clear()] + [Command.create(line) for line in lines]
            wizard.conflict_count = sum(1 for line in lines if line["status"] in ("moved", "skipped"))

    def action_confirm(self):
        """Create the series (or change its rule), then book its visits: all or nothing."""
        self.ensure_one()
        if not self.line_ids.filtered(lambda line: line.status in ("free", "moved")):
            raise UserError(self.env._("No occurrence can be booked."))
        series = self.series_id
        if series:
            series.write({name: value for name, value in self._series_values().items()
                          if name not in ("partner_id", "service_id")})
        else:
            series = self.env["clinic.appointment.series"].create(self._series_values())
            if self.appointment_id:
                self.appointment_id.check_access("write")
                # sudo: an appointment's series is protected (set by the series itself); the user
                # may change this appointment (checked above).
                self.appointment_id.sudo().series_id = series
        series._apply_plan(self.line_ids)
        return {
            "type": "ir.actions.act_window", "res_model": "clinic.appointment", "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("series_id", "=", series.id)], "name": series.name, "target": "current",
        }
