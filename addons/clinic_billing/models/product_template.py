from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    clinic_package_sessions = fields.Integer(
        string="Sessions in Package",
        help="Sold as a prepaid package of this many sessions: a posted invoice of it gives the client "
        "the sessions, and their completed visits use them instead of being charged.",
    )
    clinic_package_service_ids = fields.Many2many(
        "clinic.service", string="Package Services", help="The services the sessions are for; none means any.",
    )
    clinic_package_validity_days = fields.Integer(
        string="Package Valid (days)", default=365, help="How long after the sale the sessions can be used.",
    )

    @api.constrains("clinic_package_sessions", "clinic_package_validity_days")
    def _check_clinic_package(self):
        for template in self:
            if template.clinic_package_sessions < 0 or template.clinic_package_validity_days < 0:
                raise ValidationError(self.env._("A package's sessions and validity cannot be negative."))
