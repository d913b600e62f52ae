from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClinicOutcomeMeasure(models.Model):
    _name = "clinic.outcome.measure"
    _description = "Outcome Measure"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Char(translate=True, help="How it is scored, e.g. 0 = no pain, 10 = worst imaginable.")
    min_value = fields.Float(string="Minimum", default=0.0)
    max_value = fields.Float(string="Maximum", default=10.0)
    higher_is_better = fields.Boolean(help="Ticked when a higher score means the client is doing better.")

    _sql_constraints = [
        ("range", "CHECK (min_value < max_value)", "A measure's minimum is below its maximum."),
    ]

    @api.depends("name", "min_value", "max_value")
    def _compute_display_name(self):
        for measure in self:
            measure.display_name = f"{measure.name} ({measure.min_value:g}–{measure.max_value:g})"

    def _check_value(self, value):
        self.ensure_one()
        if not self.min_value <= value <= self.max_value:
            raise ValidationError(self.env._(
                "%(measure)s is scored from %(min)s to %(max)s, not %(value)s.", measure=self.name,
                min=f"{self.min_value:g}", max=f"{self.max_value:g}", value=f"{value:g}",
            ))
