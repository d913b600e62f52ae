from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clinic_note_sign_days = fields.Integer(related="company_id.clinic_note_sign_days", readonly=False)
