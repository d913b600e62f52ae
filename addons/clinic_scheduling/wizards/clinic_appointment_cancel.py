from odoo import fields, models


class ClinicAppointmentCancel(models.TransientModel):
    _name = "clinic.appointment.cancel"
    _description = "Cancel Appointments"

    appointment_ids = fields.Many2many("clinic.appointment", required=True)
    reason_id = fields.Many2one("clinic.cancel.reason", string="Reason", required=True)
    note = fields.Text()

    def action_cancel(self):
        self.ensure_one()
        self.appointment_ids.action_cancel(reason=self.reason_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
