from odoo import fields, models


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    clinic_location_id = fields.Many2one(
        "clinic.location", string="Clinic Location", index="btree_not_null",
        help="Where the provider works during these hours. Empty: at any of the provider's locations.",
    )
