from odoo import fields, models


class ClinicService(models.Model):
    _inherit = "clinic.service"

    note_template_id = fields.Many2one(
        "clinic.note.template", string="Note Template",
        help="The chart note template of this service's appointments (else the provider's discipline's).",
    )
    form_template_ids = fields.Many2many(
        "clinic.form.template", "clinic_form_template_service_rel", "service_id", "template_id",
        string="Forms", domain=[("state", "=", "published")],
        help="Intake and consent forms requested from the client when this service is booked, "
             "unless the client already has a valid signed one.",
    )
    forms_required_before_arrival = fields.Boolean(
        help="The client cannot be checked in before these forms are signed.",
    )
