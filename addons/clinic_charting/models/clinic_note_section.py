from odoo import fields, models
from odoo.tools import html2plaintext


class ClinicNoteSection(models.Model):
    """One section of a chart note (Subjective, Objective... or Data, Assessment, Plan), started
    from the note template's default text. Locked with its note once signed."""

    _name = "clinic.note.section"
    _description = "Chart Note Section"
    _inherit = ["clinic.note.part.mixin"]
    _order = "note_id, sequence, id"

    name = fields.Char(required=True)
    body = fields.Html(sanitize=True)
    prompt = fields.Html(sanitize=True, help="The template's default text this section started with.")

    def _is_written(self):
        """Whether the section holds more than its template's prompts."""
        self.ensure_one()
        text = html2plaintext(self.body or "").strip()
        if not text:
            return False
        return text != html2plaintext(self.prompt or "").strip()
