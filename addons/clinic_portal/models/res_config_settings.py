from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clinic_purchase_expiry_days = fields.Integer(related="company_id.clinic_purchase_expiry_days", readonly=False)
