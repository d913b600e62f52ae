from odoo import api, fields, models
from odoo.tools import format_datetime


class ClinicSeriesWizardLine(models.TransientModel):
    _name = "clinic.series.wizard.line"
    _inherit = ["clinic.slot.mixin"]
    _description = "Planned Occurrence"
    _order = "sequence, id"

    wizard_id = fields.Many2one("clinic.series.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    planned_start = fields.Datetime(required=True)
    status = fields.Selection(
        [("free", "Free"), ("moved", "Conflict: alternative"), ("skipped", "Conflict: skipped"),
         ("cancel", "No longer in the series")], required=True,
    )
    appointment_id = fields.Many2one("clinic.appointment", help="The appointment already booked for this visit.")
    reason = fields.Char(string="Conflict")
    start = fields.Datetime(string="Booked At")
    planned_label = fields.Char(compute="_compute_labels", string="Planned")
    start_label = fields.Char(compute="_compute_labels", string="Will Be Booked At")

    @api.depends("planned_start", "start", "location_id")
    def _compute_labels(self):
        for line in self:
            tz = line.location_id.tz or "UTC"
            line.planned_label = format_datetime(self.env, line.planned_start, tz=tz, dt_format="EEE d MMM y, HH:mm")
            line.start_label = line._slot_label() if line.start else False
