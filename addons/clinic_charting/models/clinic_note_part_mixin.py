from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.lock import install_lock
from .clinic_note import LOCKED_MESSAGE


class ClinicNotePartMixin(models.AbstractModel):
    """A line of a chart note (a section, a measure): read like the note (logged), locked with it
    once it is signed, for everyone, superuser included; PostgreSQL enforces it too (the note's
    ``init``)."""

    _name = "clinic.note.part.mixin"
    _description = "Part of a chart note"
    _inherit = ["clinic.chart.content.mixin"]

    note_id = fields.Many2one("clinic.note", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="note_id.company_id", store=True, precompute=True)

    def init(self):
        if self._abstract:
            return
        install_lock(
            self.env.cr, self._table,
            "EXISTS (SELECT 1 FROM clinic_note n WHERE n.id = r.note_id AND n.state <> 'draft')",
            LOCKED_MESSAGE, on_insert=True,
        )

    def _chart_notes(self):
        return self.note_id

    def _check_note_draft(self, notes):
        if any(note.state != "draft" for note in notes):
            raise UserError(self.env._("A signed note is locked: add an addendum instead of editing it."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_note_draft(self.env["clinic.note"].browse({vals.get("note_id") for vals in vals_list} - {None}))
        return super().create(vals_list)

    def write(self, vals):
        self._check_note_draft(self.note_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self._check_note_draft(self.note_id)
