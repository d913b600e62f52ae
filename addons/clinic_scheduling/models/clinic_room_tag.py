from odoo import fields, models


class ClinicRoomTag(models.Model):
    _name = "clinic.room.tag"
    _description = "Room Feature"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()

    _sql_constraints = [("name_uniq", "unique (name)", "A room feature with this name already exists.")]
