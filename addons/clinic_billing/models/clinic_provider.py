from odoo import fields, models


class ClinicProvider(models.Model):
    _inherit = "clinic.provider"

    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Analytic Account", check_company=True,
        help="Invoice lines of this provider's visits carry this analytic account.",
    )
