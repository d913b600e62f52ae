from odoo import api, fields, models
from odoo.exceptions import UserError

from .clinic_appointment import OPEN_STATES


class ClinicAppointmentSeries(models.Model):
    _name = "clinic.appointment.series"
    _description = "Recurring Appointment Series"
    _check_company_auto = True
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, check_company=True)
    service_id = fields.Many2one("clinic.service", required=True, check_company=True)
    provider_id = fields.Many2one("clinic.provider", required=True, check_company=True)
    location_id = fields.Many2one("clinic.location", required=True)
    interval_weeks = fields.Integer(string="Every (weeks)", default=1, required=True)
    company_id = fields.Many2one(related="location_id.company_id", store=True)
    appointment_ids = fields.One2many("clinic.appointment", "series_id", string="Appointments")
    appointment_count = fields.Integer(compute="_compute_appointment_count")

    _sql_constraints = [("interval_positive", "check (interval_weeks > 0)", "Repeat at least every week.")]

    @api.depends("partner_id", "service_id", "interval_weeks")
    def _compute_name(self):
        for series in self:
            series.name = self.env._(
                "%(service)s for %(client)s every %(weeks)s week(s)",
                service=series.service_id.name, client=series.partner_id.name, weeks=series.interval_weeks,
            )

    @api.depends("appointment_ids")
    def _compute_appointment_count(self):
        for series in self:
            series.appointment_count = len(series.appointment_ids)

    def _cancel_from(self, appointment, reason, note=None):
        """Cancel the series' open appointments from ``appointment`` on (all of them when it is None)."""
        self.ensure_one()
        todo = self.appointment_ids.filtered(
            lambda a: a.state in OPEN_STATES and (not appointment or a.start >= appointment.start)
        )
        if not todo:
            raise UserError(self.env._("No open appointment left to cancel in this series."))
        todo.action_cancel(reason, note=note)
        self.message_post(body=self.env._(
            "%(count)s appointment(s) of the series cancelled (%(reason)s).", count=len(todo), reason=reason.name
        ))
        return todo
