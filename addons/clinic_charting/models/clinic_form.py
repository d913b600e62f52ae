import base64
import binascii
import hashlib
import ipaddress

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

from ..tools.digest import content_digest
from ..tools.lock import install_lock

STATES = [
    ("requested", "Requested"),
    ("submitted", "To Sign"),
    ("signed", "Signed"),
    ("cancelled", "Cancelled"),
]
# States of a form still waiting for the client.
PENDING_STATES = ("requested", "submitted")
# Written only by the form's own methods (submit, sign, cancel) with sudo after their checks;
# never given at creation nor written, whatever the context says.
PROTECTED_FIELDS = {
    "state", "submitted_at", "signed_at", "signed_ip", "signed_user_id", "signed_lang", "content_hash", "expires_on",
}
# What may still change on a signed form: chatter bookkeeping only (the main attachment, should the
# model gain mail.thread.main.attachment; followers and messages are rows of their own), nothing of
# its content.
SIGNED_WRITABLE = {"message_main_attachment_id"}
MAX_NAME = 120
MAX_SIGNATURE_BYTES = 512 * 1024
SIGNATURE_TYPES = ("image/png", "image/jpeg")


class ClinicForm(models.Model):
    """An intake or consent form a client fills and signs, on one published version of a template.

    Requested when a service that needs it is booked, filled by staff in the backend or by the
    client in the portal, then signed (typed name, drawn signature, time, IP): from then on nothing
    of it changes, whoever writes (the ORM refuses, a PostgreSQL trigger refuses raw SQL).

    The portal calls :meth:`_save_answers`, :meth:`_submit` and :meth:`_sign` (after its own access
    check); the backend's buttons call the same through :meth:`action_submit` and :meth:`action_sign`.
    """
    _name = "clinic.form"
    _description = "Client Form"
    _check_company_auto = True
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    template_id = fields.Many2one(
        "clinic.form.template", string="Form", required=True, index=True, ondelete="restrict", tracking=True,
        check_company=True, domain="[('state', '=', 'published')]",
    )
    family_id = fields.Many2one(
        related="template_id.origin_id", string="Form Family", store=True, index=True,
    )
    kind = fields.Selection(related="template_id.kind", store=True)
    version = fields.Integer(related="template_id.version")
    consent_text = fields.Html(related="template_id.consent_text")
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, check_company=True,
        compute="_compute_from_appointment", store=True, readonly=False, precompute=True,
    )
    appointment_id = fields.Many2one(
        "clinic.appointment", string="Appointment", index="btree_not_null", ondelete="restrict", check_company=True,
        help="The booking this form was requested for.",
    )
    case_id = fields.Many2one(
        "clinic.case", string="Case File", index="btree_not_null", check_company=True,
        compute="_compute_from_appointment", store=True, readonly=False, precompute=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        compute="_compute_company_id", store=True, readonly=False, precompute=True,
    )
    state = fields.Selection(STATES, default="requested", required=True, readonly=True, index=True, tracking=True)
    answer_ids = fields.One2many("clinic.form.answer", "form_id", string="Answers")
    submitted_at = fields.Datetime(readonly=True, copy=False)
    signed_name = fields.Char(
        string="Typed Name", copy=False, tracking=True, help="The client's name, typed by the client when signing.",
    )
    # In the row itself (not an attachment), so that the lock trigger and the digest cover it.
    signature = fields.Binary(copy=False, attachment=False)
    signed_at = fields.Datetime(readonly=True, copy=False)
    signed_ip = fields.Char(string="Signed From (IP)", readonly=True, copy=False)
    signed_user_id = fields.Many2one(
        "res.users", string="Recorded By", readonly=True, copy=False,
        help="The account in which the signature was recorded (the front desk's tablet, or the client's portal).",
    )
    signed_lang = fields.Char(
        string="Signed In (language)", readonly=True, copy=False,
        help="The language the form was shown in when signed (its digest covers the text in that language).",
    )
    content_hash = fields.Char(
        readonly=True, copy=False,
        help="SHA-256 of what was signed: the form's version, questions and answers, the name, signature, "
             "time and IP.",
    )
    expires_on = fields.Date(readonly=True, copy=False, index="btree_not_null",
                             help="Empty: the signed form does not expire.")
    is_expired = fields.Boolean(compute="_compute_is_expired")

    @api.depends("appointment_id")
    def _compute_from_appointment(self):
        for form in self:
            if form.appointment_id:
                form.partner_id = form.appointment_id.partner_id
                form.case_id = form.appointment_id.case_id

    @api.depends("appointment_id", "template_id")
    def _compute_company_id(self):
        for form in self:
            form.company_id = (form.appointment_id.company_id or form.company_id or form.template_id.company_id
                               or self.env.company)

    @api.depends("expires_on", "state")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for form in self:
            form.is_expired = form.state == "signed" and bool(form.expires_on) and form.expires_on < today

    @api.depends("template_id", "partner_id")
    def _compute_display_name(self):
        for form in self:
            form.display_name = " – ".join(n for n in (form.template_id.name, form.partner_id.name) if n) or \
                self.env._("Form")

    # ------------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------------
    def init(self):
        install_lock(
            self.env.cr, "clinic_form", "r.state = 'signed'",
            "A signed form cannot be changed or deleted.", allowed=tuple(SIGNED_WRITABLE),
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            given = PROTECTED_FIELDS.intersection(*vals_list)
            if given:
                raise UserError(self.env._("A form starts as requested: it is submitted and signed with its buttons."))
            # Context defaults cannot create a signed form either.
            vals_list = [{**vals, **dict.fromkeys(PROTECTED_FIELDS, False), "state": "requested"}
                         for vals in vals_list]
        templates = self.env["clinic.form.template"].browse(
            {vals["template_id"] for vals in vals_list if vals.get("template_id")}
        )
        unpublished = templates.filtered(lambda t: t.state != "published")
        if unpublished:
            raise UserError(self.env._(
                "Form template %s is not published: only a published version is sent to clients.",
                unpublished[0].display_name,
            ))
        forms = super().create(vals_list)
        forms._add_missing_answers()
        return forms

    def _add_missing_answers(self):
        """One answer line per question of the form's template (the lines staff fill in)."""
        values = []
        for form in self:
            answered = form.answer_ids.question_id
            values += [{"form_id": form.id, "question_id": question.id}
                       for question in form.template_id.question_ids - answered]
        if values:
            self.env["clinic.form.answer"].create(values)

    def write(self, vals):
        if not self.env.su:
            given = PROTECTED_FIELDS.intersection(vals)
            if given:
                raise UserError(self.env._("A form is submitted, signed and cancelled with its buttons."))
        if "template_id" in vals and any(form.template_id.id != vals["template_id"] for form in self):
            raise UserError(self.env._(
                "A form stays on the version it was requested on: cancel it and request the other one."
            ))
        # The lock holds for everyone, superuser included (signing writes a form not signed yet).
        content = set(vals) - SIGNED_WRITABLE
        if content:
            signed = self.filtered(lambda f: f.state == "signed")
            if signed:
                raise UserError(self.env._(
                    "Form %s is signed: it can no longer be changed. Request a new one if something changed.",
                    signed[0].display_name,
                ))
            if self.filtered(lambda f: f.state == "cancelled") and set(vals) - {"state"}:
                raise UserError(self.env._("A cancelled form is not edited: request a new one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if any(form.state == "signed" for form in self):
            raise UserError(self.env._("A signed form is part of the client's record and cannot be deleted."))

    # ------------------------------------------------------------------
    # Filling and signing (shared by the backend and the portal)
    # ------------------------------------------------------------------
    def _check_open(self):
        for form in self:
            if form.state not in PENDING_STATES:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(self.env._(
                    "Form %(form)s is %(state)s: it can no longer be filled in or signed.",
                    form=form.display_name, state=labels[form.state],
                ))

    def _save_answers(self, answers):
        """Record ``answers`` on this form (still requested or to sign), without requiring them all.

        :param answers: ``{question id: value}`` (ids as int or digit strings, as a web form posts
            them): text for text and choice questions (a choice is one of the question's options),
            ``"yes"``/``"no"`` or a bool for yes/no, a date or ``"YYYY-MM-DD"`` for dates, a number
            or its text for numbers; ``None``/``""`` clears an answer. A wrong value raises a
            ``UserError`` naming the question.
        """
        self.ensure_one()
        self._check_open()
        if not isinstance(answers, dict):
            raise UserError(self.env._("Answers come as a mapping of question to answer."))
        by_question = {answer.question_id.id: answer for answer in self.answer_ids}
        for key, raw in answers.items():
            try:
                question_id = int(key)
            except (TypeError, ValueError):
                question_id = None
            answer = by_question.get(question_id)
            if not answer:
                raise UserError(self.env._("This form has no question %s.", key))
            answer.write(answer._convert_value(raw))
        return True

    def _check_required_answers(self):
        for form in self:
            missing = form.answer_ids.filtered(lambda a: a.question_id.required and not a.value)
            if missing:
                raise UserError(self.env._(
                    "Please answer every required question of %(form)s: %(questions)s.",
                    form=form.template_id.name, questions=", ".join(missing.question_id.mapped("label")),
                ))

    def _submit(self, answers=None, signed_name=None, signature=None, ip=None):
        """The client (portal) or staff hand in this form: ``answers`` (see :meth:`_save_answers`) are
        recorded, every required question must be answered, and the form waits for its signature;
        given a typed name and a drawn signature (base64 PNG/JPEG), it is signed at once
        (:meth:`_sign`). Raises a ``UserError`` saying what is missing or wrong."""
        self.ensure_one()
        self._check_open()
        if answers:
            self._save_answers(answers)
        self._check_required_answers()
        if self.state == "requested":
            self._set_state("submitted", submitted_at=fields.Datetime.now())
        if signed_name or signature:
            self._sign(signed_name, signature, ip=ip)
        return True

    def _sign(self, signed_name, signature, ip=None):
        """Sign this filled form with the client's typed name and drawn signature (base64 PNG or
        JPEG), now, from ``ip`` (default: the current request's address). The form is then locked
        and its content digest recorded."""
        self.ensure_one()
        self._check_open()
        self._check_required_answers()
        name = self._check_signed_name(signed_name)
        signature = self._check_signature(signature)
        if ip is None and request:
            ip = request.httprequest.remote_addr
        if ip:
            try:
                ip = str(ipaddress.ip_address(ip))
            except ValueError:
                raise UserError(self.env._("The signer's address is not a valid IP address.")) from None
        now = fields.Datetime.now()
        self.check_access("write")
        values = {"signed_name": name, "signature": signature}
        if self.signed_name != name or self.with_context(bin_size=False).signature != signature:
            self.write(values)
        # Everything the digest covers is in the database before the lock closes (the answers'
        # trigger refuses any line written once the form is signed).
        self.env.flush_all()
        validity = self.template_id.validity_months
        signed = {
            "submitted_at": self.submitted_at or now,
            "signed_at": now,
            "signed_ip": ip or False,
            "signed_user_id": self.env.uid,
            "signed_lang": self.env.lang or "en_US",
            "expires_on": fields.Date.context_today(self, now) + relativedelta(months=validity) if validity else False,
        }
        signed["content_hash"] = content_digest(self._content_payload(**signed))
        self._set_state("signed", **signed)
        self.message_post(body=self.env._(
            "Signed by %(name)s on %(date)s (from %(ip)s).",
            name=name, date=fields.Datetime.to_string(now), ip=ip or self.env._("no address"),
        ))
        return True

    def _check_signed_name(self, signed_name):
        name = " ".join(signed_name.split()) if isinstance(signed_name, str) else ""
        if not name:
            raise UserError(self.env._("Type the client's full name to sign the form."))
        if len(name) > MAX_NAME:
            raise UserError(self.env._("The signed name is at most %s characters long.", MAX_NAME))
        return name

    def _check_signature(self, signature):
        """The drawn signature as base64 bytes, checked to be a PNG or JPEG image of reasonable size."""
        if isinstance(signature, str):
            signature = signature.encode()
        if not signature or not isinstance(signature, bytes):
            raise UserError(self.env._("Draw the client's signature to sign the form."))
        try:
            image = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The signature is not a valid image.")) from None
        if len(image) > MAX_SIGNATURE_BYTES:
            raise UserError(self.env._("The signature image is too large."))
        if guess_mimetype(image) not in SIGNATURE_TYPES:
            raise UserError(self.env._("The signature must be a PNG or JPEG image."))
        return signature

    def _content_payload(self, **signed):
        """What the content digest covers: the version and its text, the questions and answers, the
        client, the typed name, the signature (its SHA-256), the time and the IP; in the language the
        form was signed in (the text the client read, whoever checks it later)."""
        self.ensure_one()
        lang = signed.get("signed_lang", self.signed_lang) or "en_US"
        form = self.with_context(lang=lang, bin_size=False)
        template = form.template_id
        signature = form.signature or b""
        if isinstance(signature, str):
            signature = signature.encode()
        signed_at = signed.get("signed_at", form.signed_at)
        return {
            "form": form.id,
            "client": form.partner_id.id,
            "lang": lang,
            "template": {
                "id": template.id, "family": template.origin_id.id, "version": template.version,
                "name": template.name, "consent_text": str(template.consent_text or ""),
            },
            "answers": [
                {"question": answer.question_id.id, "label": answer.question_id.label, "kind": answer.question_id.kind,
                 "options": answer.question_id.options or "", "required": answer.question_id.required,
                 "value": answer.value or ""}
                for answer in form.answer_ids.sorted(lambda a: (a.question_id.sequence, a.question_id.id))
            ],
            "signed_name": form.signed_name or "",
            "signature": hashlib.sha256(base64.b64decode(signature)).hexdigest() if signature else "",
            "signed_at": fields.Datetime.to_string(signed_at) if signed_at else "",
            "signed_ip": signed.get("signed_ip", form.signed_ip) or "",
        }

    def _verify_content_hash(self):
        """Whether this signed form still holds exactly what was signed."""
        self.ensure_one()
        return self.state == "signed" and self.content_hash == content_digest(self._content_payload())

    def _get_questions_for_display(self):
        """The questions of this form with their current answers, in order, for a page that shows
        or fills it (the portal): ``[{"id", "label", "kind", "required", "help", "options", "value"}]``
        (``options``: the choices of a choice question; ``value``: the answer as text, or "")."""
        self.ensure_one()
        answers = {answer.question_id: answer for answer in self.answer_ids}
        return [
            {"id": question.id, "label": question.label, "kind": question.kind, "required": question.required,
             "help": question.help or "", "options": question._get_options() if question.kind == "selection" else [],
             "value": answers[question].value or "" if question in answers else ""}
            for question in self.template_id.question_ids
        ]

    def _set_state(self, state, **values):
        self.check_access("write")
        # sudo: the state and the signature's record are protected fields; the caller may write this
        # form (checked above) and the calling method checked that the change is allowed.
        return self.sudo().write(dict(values, state=state))

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_submit(self):
        """The answers entered in the backend are complete: the form waits for the client's signature."""
        for form in self:
            form._submit()
        return True

    def action_sign(self):
        """The client signed on the tablet: the typed name and the drawn signature on the form."""
        # bin_size=False: the drawn image itself, whatever context the button was pressed in.
        for form in self.with_context(bin_size=False):
            form._sign(form.signed_name, form.signature)
        return True

    def action_cancel(self):
        """No longer needed (a form requested by mistake, a visit cancelled). A signed form stays."""
        if any(form.state == "signed" for form in self):
            raise UserError(self.env._("A signed form is part of the client's record: it is not cancelled."))
        self.filtered(lambda f: f.state != "cancelled")._set_state("cancelled")
        return True

    def action_open(self):
        """Open this form (to fill it in or sign it) from a list of another record."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form", "views": [(False, "form")],
        }

    def action_verify_signature(self):
        """Check that this signed form still holds what was signed, and say so."""
        self.ensure_one()
        ok = self._verify_content_hash()
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {
                "type": "success" if ok else "danger",
                "message": self.env._("The form is exactly as signed.") if ok else self.env._(
                    "The form no longer matches its signature digest."),
                "sticky": not ok,
            },
        }
