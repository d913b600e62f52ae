from odoo import fields, models
from odoo.tools import consteq


class ClinicWaitlistOffer(models.Model):
    _inherit = "clinic.waitlist.offer"

    def _portal_accept_url(self):
        """The private link of this offer sent to the client (its access token is the secret)."""
        self.ensure_one()
        # sudo: the token is readable by administrators only; it goes to this offer's own client.
        token = self.sudo().access_token
        return f"{self.get_base_url()}/my/waitlist/offers/{self.id}?access_token={token}"

    def _portal_check_token(self, access_token):
        """Whether ``access_token`` is this offer's (constant-time comparison)."""
        self.ensure_one()
        # sudo: reads the offer's own secret to compare it with the one given.
        token = self.sudo().access_token
        return bool(access_token and token and isinstance(access_token, str) and consteq(token, access_token))

    def _portal_is_open(self):
        self.ensure_one()
        return self.state == "open" and self.expires_at > fields.Datetime.now()

    def _portal_accept(self):
        """The client accepts from the offer's link: booked through ``action_accept`` (hence
        ``_book_slot``, source "waitlist"); the appointment the client asked to bring forward is
        then cancelled at their request. Returns the offer's new state: ``accepted``, ``taken``
        (someone was quicker: the client waits again) or ``expired``."""
        self.ensure_one()
        self.action_accept()
        if self.state == "accepted":
            replaced = self.waitlist_id.portal_appointment_id
            if replaced and replaced.state in ("booked", "confirmed") and replaced.start > self.start:
                replaced.action_cancel(
                    reason=self.env.ref("clinic_scheduling.cancel_reason_client_request"),
                    note=self.env._("Replaced by %s, accepted from the waitlist.", self.appointment_id.name),
                )
            if replaced:
                body = self.env._("Booked online by the client from a waitlist offer (replaces %s).", replaced.name)
            else:
                body = self.env._("Booked online by the client from a waitlist offer.")
            self.appointment_id._portal_notify_staff(body)
        return self.state
