from odoo import fields, models


class ClinicFormTemplate(models.Model):
    _name = "clinic.form.template"
    _description = "Form Template"

    name = fields.Char(required=True)
    state = fields.Selection([("draft", "Draft"), ("published", "Published")], default="draft")
