from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .clinic_series_rule_mixin import WEEKDAYS

OFFER_HOURS = 12


class ClinicWaitlist(models.Model):
    """A client waiting for an earlier or any slot of a service, with preferred providers, days and
    hours. A scheduled job (triggered when time frees up) offers them matching free slots."""

    _name = "clinic.waitlist"
    _description = "Waitlist Entry"
    _check_company_auto = True
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, create_date, id"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, check_company=True
    )
    service_id = fields.Many2one("clinic.service", required=True, tracking=True, check_company=True)
    provider_ids = fields.Many2many(
        "clinic.provider", string="Preferred Providers", check_company=True,
        help="Empty: any provider offering the service.",
    )
    location_id = fields.Many2one("clinic.location", check_company=True, help="Empty: any location.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="Until", required=True,
                          default=lambda self: fields.Date.context_today(self) + timedelta(days=28))
    mon = fields.Boolean(default=True)
    tue = fields.Boolean(default=True)
    wed = fields.Boolean(default=True)
    thu = fields.Boolean(default=True)
    fri = fields.Boolean(default=True)
    sat = fields.Boolean(default=True)
    sun = fields.Boolean(default=True)
    hour_from = fields.Float(string="Between", default=0.0, help="Earliest start, in the location's time.")
    hour_to = fields.Float(string="And", default=24.0, help="Latest end, in the location's time.")
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    note = fields.Text()
    state = fields.Selection(
        [("waiting", "Waiting"), ("offered", "Offered"), ("booked", "Booked"), ("expired", "Expired"),
         ("withdrawn", "Withdrawn")],
        default="waiting", required=True, index=True, tracking=True,
    )
    appointment_id = fields.Many2one("clinic.appointment", readonly=True, tracking=True)
    offer_ids = fields.One2many("clinic.waitlist.offer", "waitlist_id", string="Offers")

    @api.constrains("date_from", "date_to", "hour_from", "hour_to")
    def _check_window(self):
        for entry in self:
            if entry.date_to < entry.date_from:
                raise ValidationError(self.env._("The waitlist window ends before it starts."))
            if not 0 <= entry.hour_from < entry.hour_to <= 24:
                raise ValidationError(self.env._("The preferred hours must be within the day, start before end."))

    @api.depends("partner_id", "service_id")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = f"{entry.partner_id.name or ''} – {entry.service_id.name or ''}"

    def _open_offer_label(self):
        """'Tuesday 3 March 2026, 10:00 with Maya Chen at Riverside' for the open offer (mail template)."""
        self.ensure_one()
        offer = self.offer_ids.filtered(lambda o: o.state == "open")[:1]
        if not offer:
            return ""
        return self.env._("%(when)s with %(provider)s at %(location)s", when=offer._start_label(),
                          provider=offer.provider_id.name, location=offer.location_id.name)

    def _open_offer_sms_action(self):
        """What the waitlist offer's SMS asks the client to do (sms template): call the clinic; the
        portal gives the link to accept the offer online instead."""
        self.ensure_one()
        return self.env._("Call us soon to take it.")

    def action_withdraw(self):
        self.offer_ids.filtered(lambda o: o.state == "open").write({"state": "withdrawn"})
        self.write({"state": "withdrawn"})

    def action_find_offers(self):
        self._make_offers()

    # ------------------------------------------------------------------
    def _fits(self, slot, tz):
        local_start = pytz.utc.localize(slot["start"]).astimezone(tz)
        local_stop = pytz.utc.localize(slot["stop"]).astimezone(tz)
        if not self[WEEKDAYS[local_start.weekday()]]:
            return False
        start_hours = local_start.hour + local_start.minute / 60
        stop_hours = start_hours + (slot["stop"] - slot["start"]).total_seconds() / 3600
        return local_start.date() == local_stop.date() and self.hour_from <= start_hours and stop_hours <= self.hour_to

    def _make_offers(self):
        """Offer each waiting entry its earliest matching free slot not offered to it before.
        Entries asking the same thing share one engine call."""
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        entries = self.filtered(lambda e: e.state == "waiting" and e.date_to >= today)
        groups = {}
        for entry in entries:
            key = (entry.service_id, entry.location_id, entry.provider_ids)
            groups.setdefault(key, self.browse())
            groups[key] |= entry
        Offer = self.env["clinic.waitlist.offer"]
        created = Offer
        for (service, location, providers), group in groups.items():
            start = datetime.combine(max(min(group.mapped("date_from")), today), datetime.min.time())
            stop = datetime.combine(max(group.mapped("date_to")) + timedelta(days=2), datetime.min.time())
            slots = service._get_available_slots(
                max(start - timedelta(days=1), now), stop, provider_ids=providers.ids or None,
                location_id=location.id or None, online=True,
            )
            # sudo: the time zone and company of the locations the engine (superuser) found slots at,
            # read only to keep each entry to the slots of its own company.
            locations = self.env["clinic.location"].sudo().browse({slot["location_id"] for slot in slots})
            tz_by_location = {loc.id: pytz.timezone(loc.tz or "UTC") for loc in locations}
            company_by_location = {loc.id: loc.company_id for loc in locations}
            for entry in group:
                offered = {(o.start, o.provider_id.id) for o in entry.offer_ids}
                for slot in slots:
                    if company_by_location[slot["location_id"]] != entry.company_id:
                        continue
                    tz = tz_by_location[slot["location_id"]]
                    local_day = pytz.utc.localize(slot["start"]).astimezone(tz).date()
                    if not (entry.date_from <= local_day <= entry.date_to):
                        continue
                    if (slot["start"], slot["provider_id"]) in offered or not entry._fits(slot, tz):
                        continue
                    created |= Offer.create({
                        "waitlist_id": entry.id, "start": slot["start"], "stop": slot["stop"],
                        "provider_id": slot["provider_id"], "location_id": slot["location_id"],
                        "room_id": slot["room_id"], "expires_at": now + timedelta(hours=OFFER_HOURS),
                    })
                    entry.state = "offered"
                    break
        created._notify_client()
        return created

    @api.model
    def _cron_waitlist(self):
        """Expire old offers, then offer freed time to whoever waits for it."""
        self.env["clinic.waitlist.offer"].search(
            [("state", "=", "open"), ("expires_at", "<=", fields.Datetime.now())]
        )._expire()
        self.search([("state", "=", "waiting"), ("date_to", ">=", fields.Date.context_today(self))])._make_offers()
        past = self.search([("state", "in", ("waiting", "offered")), ("date_to", "<", fields.Date.context_today(self))])
        past.write({"state": "expired"})
