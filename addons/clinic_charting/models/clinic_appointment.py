from odoo import fields, models


class ClinicAppointment(models.Model):
    _inherit = "clinic.appointment"

    note_ids = fields.One2many(
        "clinic.note", "appointment_id", string="Chart Notes", groups="clinic_scheduling.group_clinic_provider"
    )
    note_count = fields.Integer(compute="_compute_note_count", groups="clinic_scheduling.group_clinic_provider")

    def _compute_note_count(self):
        counts = dict(self.env["clinic.note"]._read_group(
            [("appointment_id", "in", self.ids)], ["appointment_id"], ["__count"]
        ))
        for appointment in self:
            appointment.note_count = counts.get(appointment, 0)

    def action_open_note(self):
        """Open this appointment's note, starting one from the provider's template if there is none."""
        self.ensure_one()
        note = self.note_ids[:1]
        if not note:
            template = self.env["clinic.note.template"].search(
                [("discipline", "=", self.provider_id.discipline)], limit=1
            )
            note = self.env["clinic.note"].create({
                "appointment_id": self.id, "template_id": template.id, "company_id": self.company_id.id,
            })
        return {
            "type": "ir.actions.act_window",
            "res_model": "clinic.note",
            "res_id": note.id,
            "view_mode": "form", "views": [(False, "form")],
        }
