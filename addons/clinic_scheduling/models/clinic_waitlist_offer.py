import uuid

from odoo import fields, models
from odoo.exceptions import UserError

from ..exceptions import SlotTaken


class ClinicWaitlistOffer(models.Model):
    _name = "clinic.waitlist.offer"
    _inherit = ["clinic.slot.mixin"]
    _description = "Waitlist Offer"
    _check_company_auto = True
    _order = "create_date desc, id desc"

    waitlist_id = fields.Many2one("clinic.waitlist", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="waitlist_id.partner_id", store=True)
    service_id = fields.Many2one(related="waitlist_id.service_id", store=True)
    company_id = fields.Many2one(related="waitlist_id.company_id", store=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    provider_id = fields.Many2one(required=True, check_company=True)
    location_id = fields.Many2one(required=True, check_company=True)
    room_id = fields.Many2one(check_company=True)
    expires_at = fields.Datetime(required=True)
    state = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("declined", "Declined"), ("expired", "Expired"),
         ("taken", "Taken by someone else"), ("withdrawn", "Withdrawn")],
        default="open", required=True, index=True,
    )
    access_token = fields.Char(copy=False, default=lambda self: str(uuid.uuid4()), groups="base.group_system")
    appointment_id = fields.Many2one("clinic.appointment", readonly=True)

    _sql_constraints = [
        ("once", "unique (waitlist_id, start, provider_id)", "This time was already offered to this client."),
    ]

    def _start_label(self):
        return self._slot_label("EEEE d MMMM y, HH:mm")

    def _notify_client(self, kind="waitlist_offer"):
        """Tell the clients about these offers (``waitlist_offer``) or that their time was taken
        (``waitlist_taken``), as the message rules of that kind say, on their waitlist entries."""
        # sudo: the message configuration read whole, as when queuing appointment messages; the
        # messages themselves are posted as the current user (the job, or staff answering an offer).
        rules = self.env["clinic.message.rule"].sudo().search([("kind", "=", kind)])
        for offer in self:
            partner = offer.partner_id
            if partner.clinic_no_messages:
                continue
            for rule in rules._select(kind, offer.service_id, offer.location_id):
                if not rule._sends():
                    continue
                by_email, by_sms = rule._channels(partner, offer.location_id)
                if by_sms:
                    rule._post_sms(offer.waitlist_id, partner)
                if by_email:
                    rule._post_email(offer.waitlist_id, partner, "clinic_scheduling.mt_waitlist_client_message")

    def _expire(self):
        self.write({"state": "expired"})
        self.waitlist_id.filtered(lambda e: e.state == "offered").write({"state": "waiting"})

    def action_accept(self):
        """The client said yes: book it through the normal validation. The first acceptance wins;
        a later one finds the time taken and the client goes back to waiting."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("This offer is %s.", dict(self._fields["state"].selection)[self.state]))
        if self.expires_at < fields.Datetime.now():
            self._expire()
            return self._notify_staff(self.env._("This offer has expired."), "warning")
        entry = self.waitlist_id
        try:
            appointment = self._book(entry.service_id, entry.partner_id, source="waitlist")
        except SlotTaken as error:
            self.state = "taken"
            entry.state = "waiting"
            entry.message_post(body=self.env._(
                "The offered time was taken by someone else; still waiting. %s", error.args[0]
            ))
            self._notify_client("waitlist_taken")
            return self._notify_staff(self.env._("Someone else took this time: the client is back on the waitlist."),
                                      "warning")
        self.write({"state": "accepted", "appointment_id": appointment.id})
        entry.write({"state": "booked", "appointment_id": appointment.id})
        entry.offer_ids.filtered(lambda o: o.state == "open").write({"state": "withdrawn"})
        return {
            "type": "ir.actions.act_window", "res_model": "clinic.appointment", "res_id": appointment.id,
            "view_mode": "form", "views": [(False, "form")], "target": "current",
        }

    def action_decline(self):
        self.filtered(lambda o: o.state == "open").write({"state": "declined"})
        self.waitlist_id.filtered(lambda e: e.state == "offered").write({"state": "waiting"})

    def _notify_staff(self, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": message, "type": kind, "sticky": False}}
