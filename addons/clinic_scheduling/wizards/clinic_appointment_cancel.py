from odoo import fields, models


class ClinicAppointmentCancel(models.TransientModel):
    _name = "clinic.appointment.cancel"
    _description = "Cancel Appointments"

    appointment_ids = fields.Many2many("clinic.appointment", required=True)
    reason_id = fields.Many2one("clinic.cancel.reason", string="Reason", required=True)
    note = fields.Text()
    series_id = fields.Many2one(related="appointment_ids.series_id")
    scope = fields.Selection(
        [("one", "This appointment"), ("following", "This and the following ones"), ("all", "The whole series")],
        default="one", required=True,
    )

    def action_cancel(self):
        self.ensure_one()
        if self.scope != "one" and len(self.appointment_ids) == 1 and self.series_id:
            self.series_id._cancel_from(
                self.appointment_ids if self.scope == "following" else None, self.reason_id, note=self.note
            )
        else:
            self.appointment_ids.action_cancel(reason=self.reason_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
