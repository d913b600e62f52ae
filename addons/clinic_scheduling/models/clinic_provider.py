from odoo import api, fields, models

from ..tools import validation


class ClinicProvider(models.Model):
    _name = "clinic.provider"
    _description = "Clinic Provider"
    _check_company_auto = True
    _inherit = ["resource.mixin", "mail.thread", "mail.activity.mixin", "avatar.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(
        related="resource_id.name", store=True, readonly=False, required=True, precompute=True, tracking=True
    )
    active = fields.Boolean(related="resource_id.active", store=True, readonly=False, default=True, tracking=True)
    user_id = fields.Many2one(
        related="resource_id.user_id", store=True, readonly=False, index=True, tracking=True,
        help="The Odoo user of this provider: their calendar shows their appointments.",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="resource_id.company_id", store=True, readonly=False, precompute=True)
    resource_calendar_id = fields.Many2one(tracking=True)
    discipline = fields.Selection(
        [
            ("physiotherapy", "Physiotherapy"),
            ("massage", "Massage Therapy"),
            ("chiropractic", "Chiropractic"),
            ("counselling", "Counselling"),
            ("rehab", "Rehabilitation"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    title = fields.Char(help="Shown to clients, e.g. 'Registered Physiotherapist'.", translate=True)
    service_ids = fields.Many2many(
        "clinic.service", "clinic_provider_service_rel", "provider_id", "service_id", string="Services"
    )
    location_ids = fields.Many2many(
        "clinic.location", "clinic_provider_location_rel", "provider_id", "location_id", string="Locations",
        check_company=True, help="Where the provider works. Empty: at every location of their company.",
    )
    online_bookable = fields.Boolean(
        default=True, tracking=True, help="Clients can book this provider from the website."
    )
    color = fields.Integer()
    email = fields.Char()
    phone = fields.Char()

    @api.constrains("name", "title")
    def _check_text_sizes(self):
        for record in self:
            for name in ("name", "title",):
                validation.check_text(self.env, record[name], self._fields[name].string, validation.MAX_NAME)
