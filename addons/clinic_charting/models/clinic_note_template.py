from odoo import fields, models


class ClinicNoteTemplate(models.Model):
    _name = "clinic.note.template"
    _description = "Chart Note Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    discipline = fields.Selection(
        selection=lambda self: self.env["clinic.provider"]._fields["discipline"].selection
    )
    subjective = fields.Html(translate=True)
    objective = fields.Html(translate=True)
    assessment = fields.Html(translate=True)
    plan = fields.Html(translate=True)
