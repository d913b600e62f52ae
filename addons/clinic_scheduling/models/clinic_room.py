from odoo import api, fields, models

from ..tools import validation


class ClinicRoom(models.Model):
    _name = "clinic.room"
    _description = "Treatment Room"
    _check_company_auto = True
    _inherit = ["resource.mixin", "mail.thread"]
    _order = "location_id, sequence, name, id"

    name = fields.Char(
        related="resource_id.name", store=True, readonly=False, required=True, precompute=True, tracking=True
    )
    active = fields.Boolean(related="resource_id.active", store=True, readonly=False, default=True)
    sequence = fields.Integer(default=10)
    location_id = fields.Many2one("clinic.location", required=True, index=True, tracking=True, check_company=True)
    company_id = fields.Many2one(related="resource_id.company_id", store=True, readonly=False, precompute=True)
    resource_calendar_id = fields.Many2one(
        default=False, help="When the room can be used. Empty: whenever its location is open."
    )
    tag_ids = fields.Many2many("clinic.room.tag", string="Features")
    capacity = fields.Integer(default=1, help="Clients the room holds at once.")
    color = fields.Integer()

    _sql_constraints = [("capacity_positive", "check (capacity > 0)", "A room holds at least one client.")]

    def _prepare_resource_values(self, vals, tz):
        # A room keeps the time of its location (the resource needs one; the engine uses the
        # location's), so it is set here for every way a room is created, not in an onchange.
        location = self.env["clinic.location"].browse(vals.get("location_id"))
        values = super()._prepare_resource_values(vals, tz or location.tz)
        values["resource_type"] = "material"
        values["calendar_id"] = vals.get("resource_calendar_id") or False
        return values

    @api.constrains("name")
    def _check_text_sizes(self):
        for record in self:
            for name in ("name",):
                validation.check_text(self.env, record[name], self._fields[name].string, validation.MAX_NAME)
