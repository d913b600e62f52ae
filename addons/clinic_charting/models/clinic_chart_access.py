from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.lock import install_append_only


class ClinicChartAccess(models.Model):
    """Who read, printed or exported which chart note, when: one row per note and action, added
    by the readers' own requests and never changed or removed (a trigger refuses it)."""

    _name = "clinic.chart.access"
    _description = "Chart Access Log"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True, ondelete="restrict")
    note_id = fields.Many2one("clinic.note", string="Note", required=True, readonly=True, index=True,
                              ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Client", required=True, readonly=True, index=True,
                                 ondelete="restrict")
    case_id = fields.Many2one("clinic.case", string="Case File", readonly=True, index="btree_not_null",
                              ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="restrict")
    action = fields.Selection(
        [("read", "Read"), ("print", "Printed"), ("export", "Exported")], required=True, readonly=True,
    )

    def init(self):
        install_append_only(
            self.env.cr, self._table, "The chart access log is append-only: its entries are never changed or removed.",
        )

    def write(self, vals):
        if vals:
            raise UserError(self.env._("The chart access log is append-only: its entries are never changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The chart access log is append-only: its entries are never removed."))

    @api.model
    def _log(self, notes, action):
        """Record that the current user did ``action`` on ``notes``: one INSERT for all of them,
        and each note and action at most once per transaction (a form that reads a note and its
        sections is one read)."""
        # Cleared at commit and rollback, with the transaction it describes.
        logged = self.env.cr.precommit.data.setdefault("clinic_chart_access", set())
        uid = self.env.uid
        todo = [note for note in notes if (uid, note.id, action) not in logged]
        if not todo:
            return
        logged.update((uid, note.id, action) for note in todo)
        # sudo: nobody may create log entries by hand (no create right); the entries written here
        # are the current user's own reads of notes they could read.
        self.sudo().create([{
            "user_id": uid, "note_id": note.id, "partner_id": note.partner_id.id, "case_id": note.case_id.id,
            "company_id": note.company_id.id, "action": action,
        } for note in todo])

    @api.model
    def _action_for(self, domain, name):
        """"Who viewed this chart": the log of a client's or a case's notes (managers only)."""
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_charting.clinic_chart_access_action")
        action.update(domain=domain, name=self.env._("Who viewed: %s", name))
        return action
