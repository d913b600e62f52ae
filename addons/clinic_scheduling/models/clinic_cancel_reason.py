from odoo import fields, models


class ClinicCancelReason(models.Model):
    _name = "clinic.cancel.reason"
    _description = "Appointment Cancellation Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    by_clinic = fields.Boolean(
        string="Clinic-initiated",
        help="The clinic cancelled (provider ill, room unavailable): never counts as a late cancellation "
        "against the client.",
    )
