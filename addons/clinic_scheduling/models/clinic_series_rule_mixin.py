from odoo import fields, models

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ClinicSeriesRuleMixin(models.AbstractModel):
    """The rule of a recurring series, as the series stores it and its wizard edits it: every N
    weeks, on some weekdays, for a number of visits or until a date."""

    _name = "clinic.series.rule.mixin"
    _description = "Recurring Series Rule"

    interval_weeks = fields.Integer(string="Every (weeks)", default=1, required=True)
    mon = fields.Boolean(string="Monday")
    tue = fields.Boolean(string="Tuesday")
    wed = fields.Boolean(string="Wednesday")
    thu = fields.Boolean(string="Thursday")
    fri = fields.Boolean(string="Friday")
    sat = fields.Boolean(string="Saturday")
    sun = fields.Boolean(string="Sunday")
    end_type = fields.Selection(
        [("count", "After a number of visits"), ("until", "Until a date")], default="count", required=True,
    )
    count = fields.Integer(string="Visits", default=6)
    until = fields.Date()

    def _rule_values(self):
        """The rule as values another record of the mixin takes."""
        self.ensure_one()
        return {name: self[name] for name in ("interval_weeks", "end_type", "count", "until", *WEEKDAYS)}
