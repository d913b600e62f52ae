from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clinic_purchase_expiry_days = fields.Integer(
        string="Unpaid Online Purchases Expire After", default=7,
        help="Days after which a package bought online and still not paid is cancelled by itself, as if the "
        "client had cancelled it (never once a payment is made or under way). 0: never.",
    )

    _sql_constraints = [(
        "clinic_purchase_expiry_days_positive", "CHECK (clinic_purchase_expiry_days >= 0)",
        "The days after which an unpaid online purchase expires cannot be negative.",
    )]
