from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clinic_client_invoice_grouping = fields.Selection(
        related="company_id.clinic_client_invoice_grouping", readonly=False,
    )
    clinic_payer_invoice_grouping = fields.Selection(related="company_id.clinic_payer_invoice_grouping", readonly=False)
    clinic_invoice_auto_post = fields.Boolean(related="company_id.clinic_invoice_auto_post", readonly=False)
    clinic_balance_policy = fields.Selection(related="company_id.clinic_balance_policy", readonly=False)
    clinic_balance_limit = fields.Monetary(related="company_id.clinic_balance_limit", readonly=False)
    clinic_reassess_visits = fields.Integer(related="company_id.clinic_reassess_visits", readonly=False)
    clinic_reassess_days = fields.Integer(related="company_id.clinic_reassess_days", readonly=False)
