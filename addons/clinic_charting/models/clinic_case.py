from odoo import fields, models

CLINICAL = "clinic_scheduling.group_clinic_provider"


class ClinicCase(models.Model):
    _inherit = "clinic.case"

    note_ids = fields.One2many("clinic.note", "case_id", string="Chart Notes", groups=CLINICAL)
    note_count = fields.Integer(compute="_compute_note_count", groups=CLINICAL)
    measure_count = fields.Integer(compute="_compute_note_count", groups=CLINICAL)

    def _compute_note_count(self):
        notes = dict(self.env["clinic.note"]._read_group([("case_id", "in", self.ids)], ["case_id"], ["__count"]))
        measures = dict(self.env["clinic.note.measure"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]))
        for case in self:
            case.note_count = notes.get(case, 0)
            case.measure_count = measures.get(case, 0)

    def action_view_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_charting.clinic_note_action")
        action.update(domain=[("case_id", "=", self.id)], context={"default_case_id": self.id,
                                                                 "default_partner_id": self.partner_id.id})
        return action

    def action_view_measures(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_charting.clinic_note_measure_action")
        action.update(domain=[("case_id", "=", self.id)], name=self.env._("Outcomes: %s", self.display_name))
        return action

    def action_view_chart_access(self):
        self.ensure_one()
        return self.env["clinic.chart.access"]._action_for([("case_id", "=", self.id)], self.display_name)

    def action_print_chart(self):
        return self.env.ref("clinic_charting.action_report_case_chart").report_action(self)
