from odoo import api, fields, models


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    clinic_location_id = fields.Many2one(
        "clinic.location", string="Clinic Location", index="btree_not_null",
        help="Where the provider works during these hours. Empty: at any of the provider's locations.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        attendances._clinic_hours_changed()
        return attendances

    def write(self, vals):
        result = super().write(vals)
        self._clinic_hours_changed()
        return result

    def _clinic_hours_changed(self):
        """New or longer working hours may free time someone on the waitlist wants."""
        if self.env["clinic.provider"].sudo().search_count(
            [("resource_calendar_id", "in", self.calendar_id.ids)], limit=1
        ):
            self.env.ref("clinic_scheduling.ir_cron_clinic_waitlist")._trigger()
