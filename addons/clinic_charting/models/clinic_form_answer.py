import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools.lock import install_lock

MAX_ANSWER = 10000


def _parse_number(text):
    """The float a typed number means ("42", "-3.5", "3,5"), or None."""
    try:
        return float(text.strip().replace(",", "."))
    except (AttributeError, ValueError):
        return None


class ClinicFormAnswer(models.Model):
    """The client's answer to one question of a form. Typed columns hold what the question asks
    (a date, yes or no, text); ``value`` is the answer as text, what the form's digest covers."""
    _name = "clinic.form.answer"
    _description = "Form Answer"
    _order = "form_id, sequence, question_id"

    form_id = fields.Many2one("clinic.form", required=True, index=True, ondelete="cascade")
    question_id = fields.Many2one("clinic.form.question", required=True, index=True, ondelete="restrict")
    sequence = fields.Integer(related="question_id.sequence", store=True)
    label = fields.Char(related="question_id.label", string="Question Text")
    kind = fields.Selection(related="question_id.kind")
    required = fields.Boolean(related="question_id.required")
    options = fields.Text(related="question_id.options")
    help = fields.Char(related="question_id.help")
    value_text = fields.Text(string="Text Answer", help="Text, a number, or one of the options of a choice.")
    value_yes_no = fields.Selection([("yes", "Yes"), ("no", "No")], string="Yes / No")
    value_date = fields.Date(string="Date Answer")
    value = fields.Text(compute="_compute_value", store=True, string="Answer (text)")
    value_number = fields.Float(compute="_compute_value", store=True, string="Number Answer")
    display_value = fields.Char(compute="_compute_display_value", string="Answer")
    company_id = fields.Many2one(related="form_id.company_id", store=True, index=True)
    form_state = fields.Selection(related="form_id.state", string="Form Status")

    _sql_constraints = [
        ("question_unique", "UNIQUE (form_id, question_id)", "A form answers each question once."),
    ]

    @api.depends("question_id.kind", "value_text", "value_yes_no", "value_date")
    def _compute_value(self):
        for answer in self:
            kind = answer.question_id.kind
            number = None
            if kind == "yes_no":
                value = answer.value_yes_no or False
            elif kind == "date":
                value = fields.Date.to_string(answer.value_date) if answer.value_date else False
            else:
                value = (answer.value_text or "").strip() or False
                if kind == "number" and value:
                    number = _parse_number(value)
            answer.value = value
            answer.value_number = number or 0.0

    @api.depends("value", "kind")
    def _compute_display_value(self):
        labels = dict(self._fields["value_yes_no"]._description_selection(self.env))
        for answer in self:
            if answer.kind == "yes_no" and answer.value_yes_no:
                answer.display_value = labels[answer.value_yes_no]
            elif answer.kind == "date" and answer.value_date:
                answer.display_value = format_date(self.env, answer.value_date)
            else:
                answer.display_value = answer.value or ""

    @api.constrains("value_text", "question_id")
    def _check_value(self):
        for answer in self:
            question, text = answer.question_id, (answer.value_text or "").strip()
            if not text or question.kind not in ("text", "textarea", "number", "selection"):
                continue
            if len(text) > MAX_ANSWER:
                raise ValidationError(self.env._(
                    "The answer to \u201c%(question)s\u201d is at most %(max)s characters long.",
                    question=question.label, max=MAX_ANSWER,
                ))
            if question.kind == "text" and "\n" in text:
                raise ValidationError(self.env._("The answer to \u201c%s\u201d fits on one line.", question.label))
            if question.kind == "number" and _parse_number(text) is None:
                raise ValidationError(self.env._("The answer to \u201c%s\u201d must be a number.", question.label))
            if question.kind == "selection" and text not in question._get_options():
                raise ValidationError(self.env._(
                    "The answer to \u201c%(question)s\u201d must be one of: %(options)s.",
                    question=question.label, options=", ".join(question._get_options()),
                ))

    @api.constrains("form_id", "question_id")
    def _check_question_of_form(self):
        for answer in self:
            if answer.question_id.template_id != answer.form_id.template_id:
                raise ValidationError(self.env._(
                    "Question \u201c%(question)s\u201d is not on form %(form)s.",
                    question=answer.question_id.label, form=answer.form_id.template_id.display_name,
                ))

    def _convert_value(self, raw):
        """The values to write for ``raw`` (as a web form or an API posts it) on this answer's
        question, or a ``UserError`` naming the question."""
        self.ensure_one()
        question = self.question_id
        empty = {"value_text": False, "value_yes_no": False, "value_date": False}
        if raw is None or raw is False or (isinstance(raw, str) and not raw.strip()):
            return empty
        if question.kind == "yes_no":
            choice = {True: "yes", "yes": "yes", "no": "no"}.get(raw.strip().lower() if isinstance(raw, str) else raw)
            if not choice:
                raise UserError(self.env._("Answer \u201c%s\u201d with yes or no.", question.label))
            return dict(empty, value_yes_no=choice)
        if question.kind == "date":
            if isinstance(raw, datetime.datetime):
                raw = raw.date()
            if isinstance(raw, str):
                try:
                    raw = datetime.date.fromisoformat(raw.strip())
                except ValueError:
                    raw = None
            if not isinstance(raw, datetime.date):
                raise UserError(self.env._("The answer to \u201c%s\u201d must be a date.", question.label))
            return dict(empty, value_date=raw)
        if question.kind == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = repr(raw) if isinstance(raw, float) else str(raw)
        if not isinstance(raw, str):
            raise UserError(self.env._("The answer to \u201c%s\u201d must be text.", question.label))
        text = raw.strip()
        if question.kind == "number" and _parse_number(text) is None:
            raise UserError(self.env._("The answer to \u201c%s\u201d must be a number.", question.label))
        if question.kind == "selection" and text not in question._get_options():
            raise UserError(self.env._(
                "The answer to \u201c%(question)s\u201d must be one of: %(options)s.",
                question=question.label, options=", ".join(question._get_options()),
            ))
        if len(text) > MAX_ANSWER:
            raise UserError(self.env._("The answer to \u201c%s\u201d is too long.", question.label))
        return dict(empty, value_text=text)

    # ------------------------------------------------------------------
    # Integrity: the answers of a signed form never change
    # ------------------------------------------------------------------
    def init(self):
        install_lock(
            self.env.cr, "clinic_form_answer",
            "EXISTS (SELECT 1 FROM clinic_form f WHERE f.id = r.form_id AND f.state = 'signed')",
            "The answers of a signed form cannot be changed, added or deleted.", on_insert=True,
        )

    def _check_form_open(self, forms):
        # For everyone, superuser included: what was signed stays as signed.
        signed = forms.filtered(lambda f: f.state == "signed")
        if signed:
            raise UserError(self.env._(
                "Form %s is signed: its answers can no longer be changed.", signed[0].display_name,
            ))
        if forms.filtered(lambda f: f.state == "cancelled"):
            raise UserError(self.env._("A cancelled form is not filled in: request a new one."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_form_open(self.env["clinic.form"].browse(
            {vals["form_id"] for vals in vals_list if vals.get("form_id")}
        ))
        return super().create(vals_list)

    def write(self, vals):
        if {"form_id", "question_id"}.intersection(vals):
            raise UserError(self.env._("An answer stays with its form and question."))
        self._check_form_open(self.form_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self._check_form_open(self.form_id)
