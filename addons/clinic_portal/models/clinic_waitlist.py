from lxml import etree, html
from markupsafe import Markup

from odoo import fields, models


def bare_links_as_text(body):
    """``body`` (a message's HTML) with each link whose text is its own address (as
    ``plaintext2html`` makes them from an address in plain text) written as that address alone."""
    if not body:
        return body
    root = html.fragment_fromstring(str(body), create_parent="div")
    for link in list(root.iter("a")):
        if not len(link) and (link.text or "").strip() == (link.get("href") or "").strip():
            link.drop_tag()
    return Markup(etree.tostring(root, encoding="unicode", method="html"))


class ClinicWaitlist(models.Model):
    _inherit = "clinic.waitlist"

    portal_appointment_id = fields.Many2one(
        "clinic.appointment", string="Replaces", readonly=True, index="btree_not_null",
        help="The client asked online for a time earlier than this appointment: accepting an offer "
        "replaces it.",
    )

    def _open_offer_sms_action(self):
        """The offer's SMS carries its private link to accept it online, as its email does."""
        self.ensure_one()
        offer = self.offer_ids.filtered(lambda o: o.state == "open")[:1]
        if not offer:
            return super()._open_offer_sms_action()
        return self.env._("Take it online: %s", offer._portal_accept_url())

    def _notify_thread_by_sms(self, message, recipients_data, msg_vals=False, **kwargs):
        """The offer's SMS shows its link to accept online once. Odoo writes an SMS from the
        message's HTML (sms's ``_notify_thread_by_sms``: ``html2plaintext``), where a link becomes its
        text and a numbered reference to its address at the end; the SMS template's plain text
        became HTML with the address as a link whose text is that address (``_message_sms``:
        ``plaintext2html``), so it would be written twice. The chatter keeps the link."""
        body = msg_vals["body"] if msg_vals and "body" in msg_vals else message.body
        return super()._notify_thread_by_sms(
            message, recipients_data, msg_vals=dict(msg_vals or {}, body=bare_links_as_text(body)), **kwargs
        )

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The client's offer email gets a button to accept the offered time (the offer's private
        link), instead of a link to the waitlist record they cannot open."""
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if not self or len(self) != 1:
            return groups
        offer = self.offer_ids.filtered(lambda o: o.state == "open")[:1]
        if not offer:
            return groups
        partner = self.partner_id
        groups.insert(0, [
            "clinic_waitlist_client",
            lambda pdata: pdata["id"] == partner.id,
            {
                "active": True,
                "has_button_access": True,
                "button_access": {"url": offer._portal_accept_url(), "title": self.env._("See and accept this time")},
            },
        ])
        return groups
