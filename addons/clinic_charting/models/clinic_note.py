from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

SOAP_FIELDS = ("subjective", "objective", "assessment", "plan")
# Written only by the Sign button (with sudo after its check), never given or edited.
SIGNATURE_FIELDS = {"state", "signed_by_id", "signed_at"}


def _only_new_lines(commands):
    """Whether x2many ``commands`` only create new records."""
    return bool(commands) and all(
        isinstance(command, list | tuple) and command and command[0] == Command.CREATE for command in commands
    )


class ClinicNote(models.Model):
    _name = "clinic.note"
    _description = "Chart Note"
    _check_company_auto = True
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    appointment_id = fields.Many2one("clinic.appointment", index="btree_not_null", tracking=True, check_company=True)
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, check_company=True,
        compute="_compute_from_appointment", store=True, readonly=False, precompute=True,
    )
    provider_id = fields.Many2one(
        "clinic.provider", required=True, index=True, check_company=True,
        compute="_compute_from_appointment", store=True, readonly=False, precompute=True,
    )
    case_id = fields.Many2one(
        "clinic.case", string="Case File", index="btree_not_null", check_company=True,
        compute="_compute_from_appointment", store=True, readonly=False, precompute=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    date = fields.Datetime(
        required=True, compute="_compute_from_appointment", store=True, readonly=False, precompute=True,
    )
    template_id = fields.Many2one("clinic.note.template", string="Template")
    subjective = fields.Html(compute="_compute_from_template", store=True, readonly=False, sanitize=True)
    objective = fields.Html(compute="_compute_from_template", store=True, readonly=False, sanitize=True)
    assessment = fields.Html(compute="_compute_from_template", store=True, readonly=False, sanitize=True)
    plan = fields.Html(compute="_compute_from_template", store=True, readonly=False, sanitize=True)
    state = fields.Selection(
        [("draft", "Draft"), ("signed", "Signed")], default="draft", required=True, readonly=True, tracking=True,
    )
    signed_by_id = fields.Many2one("res.users", readonly=True)
    signed_at = fields.Datetime(readonly=True)
    addendum_ids = fields.One2many("clinic.note.addendum", "note_id", string="Addenda")

    @api.depends("appointment_id")
    def _compute_from_appointment(self):
        for note in self:
            appointment = note.appointment_id
            if appointment:
                note.partner_id = appointment.partner_id
                note.provider_id = appointment.provider_id
                note.case_id = appointment.case_id
                note.date = appointment.start
            elif not note.date:
                note.date = fields.Datetime.now()

    @api.depends("template_id")
    def _compute_from_template(self):
        for note in self:
            for name in SOAP_FIELDS:
                note[name] = note[name] or note.template_id[name]

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for note in self:
            day = fields.Date.to_string(note.date.date()) if note.date else ""
            note.display_name = self.env._("Note %(client)s %(day)s", client=note.partner_id.name or "", day=day)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            protected = SIGNATURE_FIELDS.intersection(*vals_list)
            if protected:
                raise UserError(self.env._("A note is signed with its Sign button, not created signed."))
            # Context defaults cannot sign a new note either: it starts unsigned, whatever is asked.
            vals_list = [dict(vals, state="draft", signed_by_id=False, signed_at=False) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and SIGNATURE_FIELDS.intersection(vals):
            raise UserError(self.env._("A note is signed with its Sign button; a signature is never edited."))
        locked = set(vals) - {"message_main_attachment_id"}
        if "addendum_ids" in vals and _only_new_lines(vals["addendum_ids"]):
            # Adding addenda is how a signed note is corrected (the note form's "Add a line").
            locked.discard("addendum_ids")
        # The lock holds for everyone, superuser included: signing writes a note that is not signed yet.
        if locked and any(note.state == "signed" for note in self):
            raise UserError(self.env._("A signed note is locked: add an addendum instead of editing it."))
        return super().write(vals)

    @api.constrains("appointment_id", "provider_id", "partner_id")
    def _check_appointment_provider(self):
        for note in self:
            appointment = note.appointment_id
            if appointment and (note.provider_id, note.partner_id) != (appointment.provider_id, appointment.partner_id):
                raise ValidationError(self.env._(
                    "The note of appointment %(ref)s is written by its provider, %(provider)s, about its client.",
                    ref=appointment.name, provider=appointment.provider_id.name,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if any(note.state == "signed" for note in self):
            raise UserError(self.env._("A signed note is part of the clinical record and cannot be deleted."))

    def action_sign(self):
        for note in self:
            if note.state != "draft":
                raise UserError(self.env._("This note is already signed."))
            if not any(note[name] and note[name] != note.template_id[name] for name in SOAP_FIELDS):
                raise UserError(self.env._("The note is empty: write something before signing it."))
        self.check_access("write")
        # sudo: the signature fields are protected; the signer may write these notes (checked
        # above), and signs them now, as themselves.
        self.sudo().write({"state": "signed", "signed_by_id": self.env.uid, "signed_at": fields.Datetime.now()})
        return True
