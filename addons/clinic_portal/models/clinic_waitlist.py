from odoo import fields, models


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
