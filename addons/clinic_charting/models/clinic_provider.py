from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClinicProvider(models.Model):
    _inherit = "clinic.provider"

    supervisor_id = fields.Many2one(
        "clinic.provider", string="Co-signing Supervisor", index="btree_not_null", check_company=True,
        help="A student's or assistant's signed notes wait for this provider's co-signature.",
    )

    @api.constrains("supervisor_id")
    def _check_supervisor(self):
        for provider in self:
            if provider.supervisor_id == provider:
                raise ValidationError(self.env._("A provider cannot co-sign their own notes."))
            if provider.supervisor_id and not provider.supervisor_id.user_id:
                raise ValidationError(self.env._(
                    "%s has no user: a supervisor signs in to co-sign notes.", provider.supervisor_id.name))
