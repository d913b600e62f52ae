from odoo import api, fields, models
from odoo.tools import format_datetime


class ClinicBookingWizardSlot(models.TransientModel):
    _name = "clinic.booking.wizard.slot"
    _inherit = ["clinic.slot.mixin"]
    _description = "Free Slot"
    _order = "start, id"

    wizard_id = fields.Many2one("clinic.booking.wizard", required=True, ondelete="cascade")
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    provider_id = fields.Many2one(required=True)
    location_id = fields.Many2one(required=True)
    label = fields.Char(compute="_compute_label")
    time_label = fields.Char(string="Time", compute="_compute_label")

    @api.depends("start", "stop", "location_id")
    def _compute_label(self):
        for slot in self:
            tz = slot.location_id.tz or "UTC"
            slot.time_label = slot._slot_label("HH:mm")
            slot.label = "%s – %s" % (
                slot._slot_label(), format_datetime(self.env, slot.stop, tz=tz, dt_format="HH:mm"),
            )

    def action_book(self):
        self.ensure_one()
        return self.wizard_id._book(self)
