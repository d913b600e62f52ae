"""Consent before an online booking (/book, readme/BOOKING.md): which consent forms of a service a
visitor must read and agree to on the details step, and what is wrong with the agreement sent."""
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.clinic_charting.models.clinic_appointment_forms import VALID


class ClinicService(models.Model):
    _inherit = "clinic.service"

    online_consent_asked = fields.Boolean(
        string="Consent Asked Online", compute="_compute_online_consent_asked", store=True,
        help="The service has published consent forms: a client booking it online reads and agrees to them "
             "before the booking is confirmed (the signature follows on the forms).",
    )

    # Stored, so that the booking pages of a service without consent read it with the service's
    # other fields and spend no query on forms.
    @api.depends("form_template_ids", "form_template_ids.state", "form_template_ids.kind")
    def _compute_online_consent_asked(self):
        for service in self:
            service.online_consent_asked = any(
                t.kind == "consent" and t.state == "published" for t in service.form_template_ids
            )

    def _clinic_online_consents(self, partner=None, location=None, start=None):
        """The consent forms (published versions, in the caller's language) a client must agree to
        before booking this service online at ``start`` (naive UTC) at ``location``, as superuser (only
        their name and text are shown to the visitor).

        A visitor who is not signed in (``partner`` None) is asked all of them; a known client is not
        asked those they hold a valid signed form of (same family, not expired by the visit's day:
        charting's form status of the visit, ``clinic.appointment._clinic_form_status``).
        No query for a service without consent."""
        self.ensure_one()
        Template = self.env["clinic.form.template"]
        if not self.online_consent_asked:
            return Template
        # sudo: the visitor cannot read form templates; these are the published consent texts of a
        # public service, which the visitor is shown to agree to (nothing else is read).
        consents = Template.sudo().search(
            [("service_ids", "in", self.ids), ("state", "=", "published"), ("kind", "=", "consent")],
            order="name, id",
        )
        if not (consents and partner):
            return consents
        # The visit as it would be booked, unsaved: charting says which forms its client holds.
        # sudo: reads this client's own forms of these families (only their status is used).
        visit = self.env["clinic.appointment"].sudo().new({
            "partner_id": partner.id, "service_id": self.id, "location_id": location and location.id,
            "start": start, "stop": start and start + timedelta(minutes=self.duration),
        })
        valid = {template.id for template, _form, status in visit._clinic_form_status().get(visit.id, [])
                 if status == VALID}
        return consents.filtered(lambda t: t.id not in valid)

    @api.model
    def _clinic_online_consent_errors(self, required, agreed_ids):
        """``{template id: message}`` for each of ``required`` (templates) that ``agreed_ids`` (the
        template ids the visitor ticked) does not agree to; empty when all are agreed.

        Only the very versions required count: another service's form, an intake, an unpublished or
        older version is no agreement (an older version of the same form asks to read it again)."""
        agreed = {i for i in agreed_ids or () if isinstance(i, int) and 0 < i < 2**31}
        missing = required.filtered(lambda t: t.id not in agreed)
        if not missing:
            return {}
        # sudo: reads only which form family the ids sent belong to, to tell "read it again".
        sent = self.env["clinic.form.template"].sudo().with_context(active_test=False).browse(
            agreed - set(required.ids)).exists()
        stale_families = set(sent.origin_id.ids)
        return {
            template.id: self.env._(
                "%s was updated since you opened this page: please read it again and tick the box.", template.name,
            ) if template.origin_id.id in stale_families else self.env._(
                "Please read %s and tick the box to agree before booking.", template.name,
            )
            for template in missing
        }
