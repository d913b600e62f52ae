from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

# What a client reads and answers: frozen once a version is published (a signed form refers to it).
CONTENT_FIELDS = {"name", "kind", "consent_text", "question_ids", "validity_months", "version", "origin_id",
                  "company_id"}
# Written only by the version buttons (with sudo after their access check), never given or edited.
PROTECTED_FIELDS = {"state", "version", "origin_id"}


class ClinicFormTemplate(models.Model):
    """An intake or consent form, in versions: a draft is edited, a published version is what
    clients are asked to fill and sign (never edited again: a change is a new version), a retired
    version is kept for the forms signed on it."""
    _name = "clinic.form.template"
    _description = "Form Template"
    _order = "name, version desc, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("intake", "Intake"), ("consent", "Consent"), ("other", "Other")], required=True, default="intake",
    )
    version = fields.Integer(required=True, default=1, readonly=True, copy=False)
    origin_id = fields.Many2one(
        "clinic.form.template", string="First Version", readonly=True, index=True, copy=False, ondelete="restrict",
        help="The first version of this form: all its versions share it.",
    )
    version_ids = fields.One2many(
        "clinic.form.template", compute="_compute_version_ids", string="Versions", context={"active_test": False},
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("retired", "Retired")],
        default="draft", required=True, readonly=True, copy=False,
    )
    question_ids = fields.One2many("clinic.form.question", "template_id", string="Questions", copy=True)
    consent_text = fields.Html(
        sanitize=True, translate=True,
        help="What the client agrees to, shown above the signature.",
    )
    validity_months = fields.Integer(
        string="Valid For (months)", default=0,
        help="How long a signed form stays valid; 0: it never expires. A client whose form expired is "
             "asked to sign it again when booking.",
    )
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    service_ids = fields.Many2many(
        "clinic.service", "clinic_form_template_service_rel", "template_id", "service_id", string="Services",
        copy=False, help="Booking one of these services requests this form from the client.",
    )
    form_count = fields.Integer(compute="_compute_form_count")

    _sql_constraints = [
        ("validity_positive", "CHECK (validity_months >= 0)", "A form's validity cannot be negative."),
        ("version_unique", "UNIQUE (origin_id, version)", "Each version of a form has its own number."),
    ]

    @api.depends("origin_id")
    def _compute_version_ids(self):
        families = self.origin_id
        versions = self.with_context(active_test=False).search(
            [("origin_id", "in", families.ids)], order="version desc"
        ) if families else self.browse()
        by_family = {}
        for version in versions:
            by_family.setdefault(version.origin_id, []).append(version.id)
        for template in self:
            template.version_ids = by_family.get(template.origin_id, [])

    def _compute_form_count(self):
        counts = dict(self.env["clinic.form"]._read_group(
            [("template_id", "in", self.ids)], ["template_id"], ["__count"]
        ))
        for template in self:
            template.form_count = counts.get(template, 0)

    @api.depends("name", "version")
    def _compute_display_name(self):
        for template in self:
            template.display_name = self.env._("%(name)s (v%(version)s)", name=template.name or "",
                                               version=template.version)

    @api.constrains("validity_months", "kind")
    def _check_validity(self):
        for template in self:
            if template.validity_months > 1200:
                raise ValidationError(self.env._("A form is valid for at most 100 years (1200 months)."))

    # ------------------------------------------------------------------
    # CRUD: a published version never changes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            given = PROTECTED_FIELDS.intersection(*vals_list)
            if given:
                raise UserError(self.env._(
                    "A form template starts as a draft of its own; publish it or make a new version with the "
                    "buttons."
                ))
            # Context defaults cannot publish or renumber a new template either.
            vals_list = [dict(vals, state="draft", version=1, origin_id=False) for vals in vals_list]
        templates = super().create(vals_list)
        for template in templates.filtered(lambda t: not t.origin_id):
            # A first version is its own family (origin_id is protected: written past the check).
            super(ClinicFormTemplate, template).write({"origin_id": template.id})
        return templates

    def write(self, vals):
        if not self.env.su and PROTECTED_FIELDS.intersection(vals):
            raise UserError(self.env._("Publish, retire or make a new version of a form template with its buttons."))
        if CONTENT_FIELDS.intersection(vals):
            # Frozen for everyone, superuser included: clients signed this text.
            locked = self.filtered(lambda t: t.state != "draft")
            if locked:
                raise UserError(self.env._(
                    "Form template %s is published: its text and questions no longer change (clients "
                    "signed it). Make a new version instead.", locked[0].display_name,
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        published = self.filtered(lambda t: t.state != "draft")
        if published:
            raise UserError(self.env._(
                "Form template %s was published and is kept for the forms signed on it: retire or archive it.",
                published[0].display_name,
            ))

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if not (default or {}).get("origin_id"):
            # A plain duplicate is a new form of its own, not a version of this one.
            for vals in vals_list:
                vals["name"] = self.env._("%s (copy)", vals.get("name") or "")
        return vals_list

    # ------------------------------------------------------------------
    # Versions
    # ------------------------------------------------------------------
    def _set_template_state(self, state):
        self.check_access("write")
        # sudo: the state is protected from plain writes; the caller may write these templates
        # (checked above) and the buttons allow only draft -> published -> retired.
        return self.sudo().write({"state": state})

    def action_publish(self):
        """Publish these drafts: clients are asked to sign them from now on. The family's previous
        published version is retired, and the services that requested it request this one."""
        for template in self:
            if template.state != "draft":
                raise UserError(self.env._("Only a draft is published (%s).", template.display_name))
            if not template.question_ids and not template.consent_text:
                raise UserError(self.env._(
                    "Form template %s has neither questions nor a consent text: nothing to fill or sign.",
                    template.display_name,
                ))
            template.question_ids._check_options()
        previous = self.search([
            ("origin_id", "in", self.origin_id.ids), ("state", "=", "published"), ("id", "not in", self.ids),
        ])
        for template in self:
            older = previous.filtered_domain([("origin_id", "=", template.origin_id.id)])
            services = older.service_ids - template.service_ids
            if services:
                template.service_ids = [Command.link(service.id) for service in services]
        previous._retire()
        self._set_template_state("published")
        self._replace_pending_forms(previous)
        return True

    def _replace_pending_forms(self, previous):
        """Forms of ``previous`` versions not signed yet are asked again on these new versions (the
        client signs the current text): cancelled, and requested anew for the same visit."""
        pending = self.env["clinic.form"].search(
            [("template_id", "in", previous.ids), ("state", "in", ("requested", "submitted"))]
        )
        if not pending:
            return
        new_by_family = {template.origin_id: template for template in self}
        self.env["clinic.form"].create([
            {"template_id": new_by_family[form.family_id].id, "partner_id": form.partner_id.id,
             "appointment_id": form.appointment_id.id, "case_id": form.case_id.id, "company_id": form.company_id.id}
            for form in pending
        ])
        pending.action_cancel()
        for form in pending:
            form.message_post(body=self.env._(
                "Cancelled: version %s of this form was published and is requested instead.",
                new_by_family[form.family_id].version,
            ))

    def action_retire(self):
        """No longer request this version (forms signed on it stay valid until they expire)."""
        if any(template.state != "published" for template in self):
            raise UserError(self.env._("Only a published form template is retired."))
        self._retire()
        return True

    def _retire(self):
        if not self:
            return
        self.write({"service_ids": [Command.clear()]})
        self._set_template_state("retired")

    def action_new_version(self):
        """A draft copy of this version, numbered after the family's latest, to edit and publish."""
        self.ensure_one()
        if self.state == "draft":
            raise UserError(self.env._("%s is a draft: edit it directly.", self.display_name))
        family = self.with_context(active_test=False).search([("origin_id", "=", self.origin_id.id)])
        draft = family.filtered(lambda t: t.state == "draft")[:1]
        if not draft:
            self.check_access("create")
            # sudo: the family and the number are protected fields a plain create refuses; the caller
            # may create templates (checked above) and the copy is a draft of this very family.
            draft = self.sudo().copy(
                {"origin_id": self.origin_id.id, "version": max(family.mapped("version")) + 1}
            ).with_env(self.env)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": draft.id,
            "view_mode": "form", "views": [(False, "form")],
        }

    def action_view_forms(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_charting.clinic_form_action")
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {"default_template_id": self.id}
        return action
