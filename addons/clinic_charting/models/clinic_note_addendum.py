from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicNoteAddendum(models.Model):
    _name = "clinic.note.addendum"
    _description = "Chart Note Addendum"
    _order = "create_date, id"

    note_id = fields.Many2one("clinic.note", required=True, index=True, ondelete="restrict")
    body = fields.Html(required=True, sanitize=True)
    author_id = fields.Many2one("res.users", required=True, readonly=True, default=lambda self: self.env.user)
    company_id = fields.Many2one(related="note_id.company_id", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # An addendum is signed by whoever adds it: its author is never given.
            if any("author_id" in vals for vals in vals_list):
                raise UserError(self.env._("An addendum's author is the person who adds it."))
            vals_list = [dict(vals, author_id=self.env.uid) for vals in vals_list]
        addenda = super().create(vals_list)
        if any(addendum.note_id.state != "signed" for addendum in addenda):
            raise UserError(self.env._("Edit a draft note directly; addenda are for signed notes."))
        return addenda

    def write(self, vals):
        if vals:
            raise UserError(self.env._("An addendum cannot be changed: add another one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An addendum is part of the clinical record and cannot be deleted."))
