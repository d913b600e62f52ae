from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_view_chart_access(self):
        self.ensure_one()
        return self.env["clinic.chart.access"]._action_for([("partner_id", "=", self.id)], self.display_name)
