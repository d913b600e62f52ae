from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

from ..tools.digest import content_digest
from ..tools.lock import install_lock

# Written only by the Sign and Co-sign buttons (with sudo after their checks), never given or edited.
SIGNATURE_FIELDS = {
    "state", "signed_by_id", "signed_at", "content_hash", "cosigner_id", "cosigned_by_id", "cosigned_at",
    "cosign_hash",
}
# What may still change on a signed note: who may read it, its chatter, and the co-signature.
SIGNED_WRITABLE = {"confidential", "message_main_attachment_id", "addendum_ids"}
COSIGN_FIELDS = ("state", "cosigned_by_id", "cosigned_at", "cosign_hash")
LOCKED_MESSAGE = "A signed chart note cannot be changed or deleted: add an addendum."


def _only_new_lines(commands):
    """Whether x2many ``commands`` only create new records."""
    return bool(commands) and all(
        isinstance(command, list | tuple) and command and command[0] == Command.CREATE for command in commands
    )


class ClinicNote(models.Model):
    _name = "clinic.note"
    _description = "Chart Note"
    _check_company_auto = True
    _inherit = ["mail.thread", "mail.activity.mixin", "clinic.chart.content.mixin"]
    _order = "date desc, id desc"
    _chart_content_fields = frozenset({"section_ids", "measure_ids", "addendum_ids", "summary"})

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
    active = fields.Boolean(default=True, help="A draft started by mistake is archived; signed notes stay.")
    template_id = fields.Many2one(
        "clinic.note.template", string="Template",
        compute="_compute_template_id", store=True, readonly=False, precompute=True,
    )
    kind = fields.Selection(related="template_id.kind")
    section_ids = fields.One2many(
        "clinic.note.section", "note_id", string="Sections",
        compute="_compute_section_ids", store=True, readonly=False, precompute=True,
    )
    measure_ids = fields.One2many("clinic.note.measure", "note_id", string="Outcome Measures")
    summary = fields.Char(compute="_compute_summary", help="The beginning of the note's first section written in.")
    confidential = fields.Boolean(
        tracking=True,
        help="Only the author and the clinic managers read a confidential note (counselling, sensitive history).",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("to_cosign", "To Co-sign"), ("signed", "Signed")],
        default="draft", required=True, readonly=True, tracking=True, index=True,
    )
    signed_by_id = fields.Many2one("res.users", readonly=True)
    signed_at = fields.Datetime(readonly=True)
    content_hash = fields.Char(
        string="Signature Digest", readonly=True, help="SHA-256 of the note's content, signer and time at signing.",
    )
    cosigner_id = fields.Many2one("res.users", string="Co-signer", readonly=True, index="btree_not_null")
    cosigned_by_id = fields.Many2one("res.users", string="Co-signed By", readonly=True)
    cosigned_at = fields.Datetime(string="Co-signed On", readonly=True)
    cosign_hash = fields.Char(string="Co-signature Digest", readonly=True)
    integrity = fields.Selection(
        [("ok", "Verified"), ("broken", "Does not match its signature")], compute="_compute_integrity",
        help="Whether the note's content still gives the digest recorded when it was signed.",
    )
    addendum_ids = fields.One2many("clinic.note.addendum", "note_id", string="Addenda")

    def init(self):
        install_lock(
            self.env.cr, self._table, "r.state <> 'draft'", LOCKED_MESSAGE,
            allowed=("confidential", "message_main_attachment_id", *COSIGN_FIELDS),
            # Never back to draft, never re-signed: the co-signature goes from empty to recorded once.
            refuse_update="NEW.state = 'draft' OR (OLD.state = 'signed' AND ROW(OLD.state, OLD.cosigned_by_id, "
                          "OLD.cosigned_at, OLD.cosign_hash) IS DISTINCT FROM ROW(NEW.state, NEW.cosigned_by_id, "
                          "NEW.cosigned_at, NEW.cosign_hash))",
        )

    def _chart_notes(self):
        return self

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

    @api.depends("appointment_id")
    def _compute_template_id(self):
        templates = self.env["clinic.note.template"]._for_appointments(self.appointment_id)
        for note in self:
            if note.appointment_id and not note.template_id:
                note.template_id = templates[note.appointment_id]

    @api.depends("template_id")
    def _compute_section_ids(self):
        for note in self:
            if note.state != "draft" or any(section._is_written() for section in note.section_ids):
                continue  # a template change never throws away what was written
            note.section_ids = [Command.clear()] + [
                Command.create({
                    "sequence": section.sequence, "name": section.name, "body": section.default_body,
                    "prompt": section.default_body,
                })
                for section in note.template_id.section_ids
            ]

    @api.depends("section_ids.body")
    def _compute_summary(self):
        for note in self:
            written = note.section_ids.filtered(lambda section: section._is_written())[:1]
            text = html2plaintext(written.body or "").strip()
            note.summary = f"{written.name}: {text[:120]}" if written else False

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for note in self:
            day = fields.Date.to_string(note.date.date()) if note.date else ""
            note.display_name = self.env._("Note %(client)s %(day)s", client=note.partner_id.name or "", day=day)

    @api.depends("content_hash", "cosign_hash")
    def _compute_integrity(self):
        for note in self:
            if note.state == "draft":
                note.integrity = False
            elif note.content_hash == note._content_digest(note.signed_by_id, note.signed_at) and (
                not note.cosigned_at or note.cosign_hash == note._cosign_digest(note.cosigned_by_id, note.cosigned_at)
            ):
                note.integrity = "ok"
            else:
                note.integrity = "broken"

    # ------------------------------------------------------------------
    # ORM: a signed note is locked for everyone, superuser included
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if SIGNATURE_FIELDS.intersection(*vals_list):
                raise UserError(self.env._("A note is signed with its Sign button, not created signed."))
            # Context defaults cannot sign a new note either: it starts unsigned, whatever is asked.
            vals_list = [{**vals, **dict.fromkeys(SIGNATURE_FIELDS, False), "state": "draft"} for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and SIGNATURE_FIELDS.intersection(vals):
            raise UserError(self.env._("A note is signed with its Sign button; a signature is never edited."))
        if any(note.state != "draft" for note in self):
            changed = set(vals) - SIGNED_WRITABLE
            if "addendum_ids" in vals and not _only_new_lines(vals["addendum_ids"]):
                changed.add("addendum_ids")
            if vals.get("state") == "signed" and all(note.state == "to_cosign" for note in self):
                changed -= set(COSIGN_FIELDS)  # the co-signature, written once by its button
            # The lock holds for everyone, superuser included (and PostgreSQL enforces it too).
            if changed:
                raise UserError(self.env._("A signed note is locked: add an addendum instead of editing it."))
        if "confidential" in vals:
            self._check_can_restrict()
        return super().write(vals)

    def _check_can_restrict(self):
        """Who may mark a note confidential or lift it: its author and the managers."""
        if self.env.su or self.env.user.has_group("clinic_scheduling.group_clinic_manager"):
            return
        others = self.filtered(lambda note: note.provider_id.user_id != self.env.user)
        if others:
            raise UserError(self.env._("Only the author of %s or a clinic manager decides who may read it.",
                                       others[0].display_name))

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
    def _unlink_except_charted(self):
        if any(note.state != "draft" for note in self):
            raise UserError(self.env._("A signed note is part of the clinical record and cannot be deleted."))
        read = self.env["clinic.chart.access"].sudo().search_count([("note_id", "in", self.ids)], limit=1)
        if read:
            raise UserError(self.env._(
                "This draft has been opened: it is part of the chart's history. Archive it instead of deleting it."))

    def action_archive(self):
        if any(note.state != "draft" for note in self):
            raise UserError(self.env._("A signed note stays in the chart: correct it with an addendum."))
        return super().action_archive()

    # ------------------------------------------------------------------
    # Signing
    # ------------------------------------------------------------------
    def _content_payload(self):
        self.ensure_one()
        return {
            "note": self.id,
            "client": self.partner_id.id,
            "provider": self.provider_id.id,
            "appointment": self.appointment_id.id,
            "case": self.case_id.id,
            "date": fields.Datetime.to_string(self.date),
            "sections": [[section.name, section.body or ""] for section in self.section_ids.sorted()],
            "measures": [[line.measure_id.id, line.value] for line in self.measure_ids.sorted()],
        }

    def _content_digest(self, signer, signed_at):
        return content_digest(dict(
            self._content_payload(), signer=signer.id, signed_at=fields.Datetime.to_string(signed_at),
        ))

    def _cosign_digest(self, cosigner, cosigned_at):
        return content_digest({
            "content": self.content_hash, "cosigner": cosigner.id,
            "cosigned_at": fields.Datetime.to_string(cosigned_at),
        })

    def action_sign(self):
        """The author signs: the content is locked, its digest recorded. A student's or assistant's
        note then waits for their supervisor's co-signature."""
        self.check_access("write")
        now = fields.Datetime.now()
        for note in self:
            if note.state != "draft":
                raise UserError(self.env._("%s is already signed.", note.display_name))
            if note.provider_id.user_id != self.env.user and not self.env.su:
                raise UserError(self.env._(
                    "%(note)s is signed by its author, %(provider)s.", note=note.display_name,
                    provider=note.provider_id.name,
                ))
            if not (any(section._is_written() for section in note.section_ids) or note.measure_ids):
                raise UserError(self.env._("The note is empty: write something before signing it."))
        self.env.flush_all()
        for note in self:
            # The author signs; only trusted code (sudo: demo data, imports) signs in their name.
            signer = note.provider_id.user_id or self.env.user
            supervisor = note.provider_id.supervisor_id.user_id
            # sudo: the signature fields are protected; the author may write this note (checked
            # above) and signs it now, as themselves.
            note.sudo().write({
                "state": "to_cosign" if supervisor else "signed",
                "signed_by_id": signer.id,
                "signed_at": now,
                "content_hash": note._content_digest(signer, now),
                "cosigner_id": supervisor.id,
            })
            if supervisor:
                note.sudo().activity_schedule(
                    "clinic_charting.mail_activity_type_note_cosign", user_id=supervisor.id,
                    note=self.env._("%s signed this note: it waits for your co-signature.", signer.name),
                )
        self._clinic_activities_done("clinic_charting.mail_activity_type_note_sign")
        return True

    def action_cosign(self):
        """The supervisor named when the note was signed co-signs it."""
        self.check_access("read")
        now = fields.Datetime.now()
        for note in self:
            if note.state != "to_cosign":
                raise UserError(self.env._("%s does not wait for a co-signature.", note.display_name))
            if note.cosigner_id != self.env.user:
                raise UserError(self.env._(
                    "%(note)s is co-signed by %(user)s.", note=note.display_name, user=note.cosigner_id.name))
            # sudo: the supervisor reads the note (checked above) and is the co-signer it names; the
            # co-signature fields are written by this button only.
            note.sudo().write({
                "state": "signed", "cosigned_by_id": self.env.uid, "cosigned_at": now,
                "cosign_hash": note._cosign_digest(self.env.user, now),
            })
        self._clinic_activities_done("clinic_charting.mail_activity_type_note_cosign")
        return True

    def _clinic_activities_done(self, xmlid):
        activity_type = self.env.ref(xmlid, raise_if_not_found=False)
        if activity_type:
            # sudo: the activity may be assigned to someone else (the author's reminder seen by a
            # manager); it is done because the note was just signed.
            self.sudo().activity_feedback([xmlid])

    @api.model
    def _cron_remind_unsigned(self):
        """Give each provider one activity per chart note left unsigned longer than their
        company allows."""
        now = fields.Datetime.now()
        activity_type = self.env.ref("clinic_charting.mail_activity_type_note_sign")
        model = self.env["ir.model"]._get_id(self._name)
        activities = []
        for company in self.env["res.company"].search([("clinic_note_sign_days", ">", 0)]):
            notes = self.search([
                ("state", "=", "draft"), ("company_id", "=", company.id), ("provider_id.user_id", "!=", False),
                ("date", "<=", now - timedelta(days=company.clinic_note_sign_days)),
                ("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)]),
            ])
            activities += [{
                "res_model_id": model, "res_id": note.id, "activity_type_id": activity_type.id, "automated": True,
                "user_id": note.provider_id.user_id.id, "date_deadline": fields.Date.context_today(self),
                "note": self.env._("This chart note is still unsigned."),
            } for note in notes]
        self.env["mail.activity"].create(activities)
