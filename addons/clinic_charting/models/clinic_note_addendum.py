from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.digest import content_digest
from ..tools.lock import install_append_only


class ClinicNoteAddendum(models.Model):
    """A correction or late entry to a signed note, signed by whoever adds it, when it is added:
    never changed or removed (a trigger refuses it)."""

    _name = "clinic.note.addendum"
    _description = "Chart Note Addendum"
    _inherit = ["clinic.chart.content.mixin"]
    _order = "signed_at, id"

    note_id = fields.Many2one("clinic.note", required=True, index=True, ondelete="restrict")
    body = fields.Html(required=True, sanitize=True)
    author_id = fields.Many2one("res.users", required=True, readonly=True, default=lambda self: self.env.user)
    signed_at = fields.Datetime(string="Signed On", required=True, readonly=True, default=fields.Datetime.now)
    content_hash = fields.Char(string="Signature Digest", readonly=True)
    company_id = fields.Many2one(related="note_id.company_id", store=True, precompute=True)

    def init(self):
        install_append_only(
            self.env.cr, self._table, "An addendum is part of the clinical record: it is never changed or removed.",
        )

    def _chart_notes(self):
        return self.note_id

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any({"author_id", "signed_at", "content_hash"}.intersection(vals) for vals in vals_list):
            raise UserError(self.env._("An addendum is signed by the person who adds it, when it is added."))
        now = fields.Datetime.now()
        notes = self.env["clinic.note"].browse({vals.get("note_id") for vals in vals_list} - {None})
        if any(note.state == "draft" for note in notes):
            raise UserError(self.env._("Edit a draft note directly; addenda are for signed notes."))
        vals_list = [dict(vals, author_id=self.env.uid, signed_at=now) for vals in vals_list]
        for vals in vals_list:
            vals["content_hash"] = content_digest({
                "note": vals.get("note_id"),
                "note_hash": self.env["clinic.note"].browse(vals.get("note_id")).content_hash,
                "body": self._fields["body"].convert_to_cache(vals.get("body"), self), "author": vals["author_id"],
                "signed_at": fields.Datetime.to_string(now),
            })
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("An addendum cannot be changed: add another one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An addendum is part of the clinical record and cannot be deleted."))
