from odoo import fields, models


class ClinicNoteTemplateSection(models.Model):
    _name = "clinic.note.template.section"
    _description = "Chart Note Template Section"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("clinic.note.template", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    default_body = fields.Html(string="Default Text", translate=True, sanitize=True,
                               help="What a new note's section starts with: prompts to fill in.")
