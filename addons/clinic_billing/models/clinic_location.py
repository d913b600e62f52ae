from odoo import fields, models


class ClinicLocation(models.Model):
    _inherit = "clinic.location"

    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Analytic Account", check_company=True,
        help="Invoice lines of visits at this location carry this analytic account.",
    )
