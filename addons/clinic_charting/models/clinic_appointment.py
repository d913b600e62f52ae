from odoo import fields, models
from odoo.exceptions import UserError

CLINICAL = "clinic_scheduling.group_clinic_provider"
STAFF = "clinic_scheduling.group_clinic_frontdesk,clinic_scheduling.group_clinic_provider"


class ClinicAppointment(models.Model):
    _inherit = "clinic.appointment"

    note_ids = fields.One2many("clinic.note", "appointment_id", string="Chart Notes", groups=CLINICAL)
    note_count = fields.Integer(compute="_compute_note_count", groups=CLINICAL)
    chart_state = fields.Selection(
        [("none", "No Note"), ("draft", "Note Unsigned"), ("to_cosign", "Note To Co-sign"), ("signed", "Note Signed")],
        string="Chart", compute="_compute_chart_state", groups=STAFF,
        help="Whether the visit is charted. The front desk sees this, never the note's content.",
    )

    def _compute_note_count(self):
        counts = dict(self.env["clinic.note"]._read_group(
            [("appointment_id", "in", self.ids)], ["appointment_id"], ["__count"]
        ))
        for appointment in self:
            appointment.note_count = counts.get(appointment, 0)

    def _compute_chart_state(self):
        # sudo: only the notes' states are read, to tell staff whether the visit is charted; the
        # content stays behind the notes' access rules.
        rows = self.env["clinic.note"].sudo()._read_group(
            [("appointment_id", "in", self.ids)], ["appointment_id", "state"], ["__count"],
        )
        order = ["draft", "to_cosign", "signed"]
        states = {}
        for appointment, state, _count in rows:
            states[appointment.id] = min(states.get(appointment.id, state), state, key=order.index)
        for appointment in self:
            appointment.chart_state = states.get(appointment.id, "none")

    def action_open_note(self):
        """Open this appointment's note, starting one from the service's (or the discipline's)
        template if there is none."""
        self.ensure_one()
        note = self.note_ids[:1]
        if not note:
            if self.provider_id.user_id != self.env.user and not self.env.user.has_group(
                    "clinic_scheduling.group_clinic_manager"):
                raise UserError(self.env._(
                    "%(provider)s writes the chart note of %(visit)s.", provider=self.provider_id.name,
                    visit=self.name,
                ))
            note = self.env["clinic.note"].create({"appointment_id": self.id, "company_id": self.company_id.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "clinic.note",
            "res_id": note.id,
            "view_mode": "form", "views": [(False, "form")],
        }
