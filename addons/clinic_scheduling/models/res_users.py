from odoo import api, models

STAFF_GROUPS = ("clinic_scheduling.group_clinic_frontdesk", "clinic_scheduling.group_clinic_provider")


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._clinic_set_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(name == "groups_id" or name.startswith(("in_group_", "sel_groups_")) for name in vals):
            self._clinic_set_home_action()
        return result

    def _clinic_set_home_action(self):
        """Clinic staff open Odoo on the clinic's day view, unless they already have a home action."""
        staff = self.filtered(
            lambda user: not user.action_id and not user.share
            and any(user._has_group(group) for group in STAFF_GROUPS)
        )
        if staff:
            staff.write({"action_id": self.env.ref("clinic_scheduling.clinic_day_view_action").id})
