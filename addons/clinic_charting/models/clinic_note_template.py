from odoo import api, fields, models


class ClinicNoteTemplate(models.Model):
    _name = "clinic.note.template"
    _description = "Chart Note Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("soap", "SOAP"), ("dap", "DAP"), ("birp", "BIRP"), ("other", "Other")], default="soap", required=True,
        help="SOAP: subjective, objective, assessment, plan. DAP: data, assessment, plan. "
             "BIRP: behaviour, intervention, response, plan (counselling).",
    )
    discipline = fields.Selection(
        selection=lambda self: self.env["clinic.provider"]._fields["discipline"].selection,
        help="Used for the appointments of this discipline when their service names no template.",
    )
    section_ids = fields.One2many("clinic.note.template.section", "template_id", string="Sections", copy=True)
    measure_ids = fields.Many2many(
        "clinic.outcome.measure", string="Outcome Measures",
        help="Measures a note from this template asks for (pain, questionnaire scores...).",
    )
    service_ids = fields.One2many("clinic.service", "note_template_id", string="Services")

    @api.model
    def _for_appointments(self, appointments):
        """The template of each appointment: its service's, else its provider's discipline's, else
        the standard SOAP note (``{appointment: template}``, one search)."""
        by_discipline = {}
        disciplines = set(appointments.provider_id.mapped("discipline")) - {False}
        if disciplines:
            for template in self.search([("discipline", "in", list(disciplines))], order="sequence desc, id desc"):
                by_discipline[template.discipline] = template
        default = self.env.ref("clinic_charting.note_template_soap", raise_if_not_found=False) or self.browse()
        return {
            appointment: appointment.service_id.note_template_id
            or by_discipline.get(appointment.provider_id.discipline, default)
            for appointment in appointments
        }
