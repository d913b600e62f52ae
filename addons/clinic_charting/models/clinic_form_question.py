from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

KINDS = [
    ("text", "Short Text"),
    ("textarea", "Long Text"),
    ("yes_no", "Yes / No"),
    ("date", "Date"),
    ("number", "Number"),
    ("selection", "Choice"),
]


class ClinicFormQuestion(models.Model):
    _name = "clinic.form.question"
    _description = "Form Question"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("clinic.form.template", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    label = fields.Char(string="Question", required=True, translate=True)
    kind = fields.Selection(KINDS, string="Type", required=True, default="text")
    options = fields.Text(
        translate=True, help="The choices of a Choice question, one per line.",
    )
    required = fields.Boolean(default=True)
    help = fields.Char(string="Hint", translate=True, help="Shown under the question.")
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True)

    def _get_options(self):
        """The choices of this Choice question, in order, without blanks."""
        self.ensure_one()
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    @api.constrains("kind", "options")
    def _check_options(self):
        for question in self:
            if question.kind == "selection":
                options = question._get_options()
                if len(options) < 2:
                    raise ValidationError(self.env._(
                        "Question \u201c%s\u201d is a choice: give at least two options, one per line.",
                        question.label,
                    ))
                if len(set(options)) != len(options):
                    raise ValidationError(self.env._(
                        "Question \u201c%s\u201d offers the same option twice.", question.label,
                    ))

    # A published template's questions are what clients answered: they change with a new version only.
    def _check_template_draft(self, templates):
        locked = templates.filtered(lambda t: t.state != "draft")
        if locked:
            raise UserError(self.env._(
                "Form template %s is published: its questions no longer change. Make a new version instead.",
                locked[0].display_name,
            ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_template_draft(self.env["clinic.form.template"].browse(
            {vals.get("template_id") for vals in vals_list if vals.get("template_id")}
        ))
        return super().create(vals_list)

    def write(self, vals):
        self._check_template_draft(self.template_id)
        if "template_id" in vals:
            self._check_template_draft(self.env["clinic.form.template"].browse(vals["template_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        self._check_template_draft(self.template_id)
