from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clinic_note_sign_days = fields.Integer(
        string="Remind to Sign Notes After (days)", default=2,
        help="A provider gets an activity for each chart note left unsigned this many days after the visit.",
    )
