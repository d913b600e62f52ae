from odoo import api, fields, models


class ClinicNoteMeasure(models.Model):
    """A score recorded in a chart note (pain 0–10, a questionnaire's total), graphed per case."""

    _name = "clinic.note.measure"
    _description = "Outcome Measure Score"
    _inherit = ["clinic.note.part.mixin"]
    _order = "date, note_id, sequence, id"

    measure_id = fields.Many2one("clinic.outcome.measure", string="Measure", required=True, ondelete="restrict")
    value = fields.Float(string="Score", required=True, aggregator="avg")
    higher_is_better = fields.Boolean(related="measure_id.higher_is_better")
    date = fields.Datetime(related="note_id.date", store=True, precompute=True, index=True)
    partner_id = fields.Many2one(related="note_id.partner_id", string="Client", store=True, precompute=True, index=True)
    case_id = fields.Many2one(
        related="note_id.case_id", string="Case File", store=True, precompute=True, index="btree_not_null")
    provider_id = fields.Many2one(related="note_id.provider_id", store=True, precompute=True)
    state = fields.Selection(related="note_id.state", string="Note Status")

    _sql_constraints = [
        ("measure_once", "UNIQUE (note_id, measure_id)", "A note records each measure once."),
    ]

    @api.constrains("measure_id", "value")
    def _check_value(self):
        for line in self:
            line.measure_id._check_value(line.value)
