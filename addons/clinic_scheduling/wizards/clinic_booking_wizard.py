from datetime import timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..exceptions import SlotTaken
from ..tools import intervals as iv
from ..tools import validation

SEARCH_DAYS = 60


class ClinicBookingWizard(models.TransientModel):
    _name = "clinic.booking.wizard"
    _description = "Book an Appointment"

    partner_id = fields.Many2one("res.partner", string="Client", required=True, domain="[('is_company', '=', False)]")
    service_id = fields.Many2one("clinic.service", required=True, domain="[('provider_ids', '!=', False)]")
    location_id = fields.Many2one(
        "clinic.location", compute="_compute_location_id", store=True, readonly=False, required=True, precompute=True,
    )
    provider_id = fields.Many2one(
        "clinic.provider", string="Provider", domain="[('service_ids', 'in', service_id)]",
        help="Leave empty for the first available provider.",
    )
    case_id = fields.Many2one(
        "clinic.case", string="Case File", domain="[('partner_id', '=', partner_id), ('state', '=', 'open')]"
    )
    day = fields.Date(required=True, default=fields.Date.context_today)
    from_time = fields.Float(
        string="From", default=0.0,
        help="Only slots starting at or after this time of day (the location's time) are listed.",
    )
    slot_ids = fields.One2many("clinic.booking.wizard.slot", "wizard_id", compute="_compute_slot_ids", store=True)
    slot_count = fields.Integer(compute="_compute_slot_ids", store=True)
    insights_html = fields.Html(compute="_compute_insights_html", sanitize=False)

    @api.depends("service_id", "provider_id")
    def _compute_location_id(self):
        """Keep the chosen location while it fits the service and provider, else their first one."""
        for wizard in self:
            candidates = (wizard.service_id.location_ids or wizard.provider_id.location_ids
                          or wizard.service_id.provider_ids.location_ids)
            if wizard.location_id and (not candidates or wizard.location_id in candidates):
                continue
            wizard.location_id = candidates[:1] or self.env["clinic.location"].search([], limit=1)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_input(vals)
        return super().write(vals)

    def _check_input(self, vals):
        if vals.get("day"):
            vals["day"] = validation.check_day(self.env, vals["day"], self._fields["day"].string)
        if "from_time" in vals:
            validation.check_number(self.env, vals["from_time"] or 0, self._fields["from_time"].string, 0, 24)

    @api.constrains("from_time")
    def _check_from_time(self):
        for wizard in self:
            if not 0 <= wizard.from_time < 24:
                raise ValidationError(self.env._("The time of day must be between 00:00 and 23:59."))

    def _find_slots(self, day, days=1, from_time=0.0):
        if not (self.service_id and self.location_id and day):
            return []
        tz = pytz.timezone(self.location_id.tz or "UTC")
        start = iv.local_day_bounds(day, tz)[0]
        if 0 < from_time < 24:
            start = iv.local_to_utc(day, from_time, tz)
        stop = iv.local_day_bounds(day + timedelta(days=days - 1), tz)[1]
        start = max(start, fields.Datetime.now())  # the front desk books from now on
        if start >= stop:
            return []
        return self.service_id._get_available_slots(
            start, stop, provider_ids=self.provider_id.ids or None, location_id=self.location_id.id, online=False,
        )

    @api.depends("service_id", "provider_id", "location_id", "day", "from_time")
    def _compute_slot_ids(self):
        for wizard in self:
            slots = wizard._find_slots(wizard.day, from_time=wizard.from_time)
            wizard.slot_ids = [Command.clear()] + [Command.create({
                "start": slot["start"], "stop": slot["stop"], "provider_id": slot["provider_id"],
                "room_id": slot["room_id"], "location_id": slot["location_id"],
            }) for slot in slots]
            wizard.slot_count = len(slots)

    @api.depends("partner_id", "service_id", "provider_id", "location_id", "case_id")
    def _compute_insights_html(self):
        for wizard in self:
            draft = self.env["clinic.appointment"].new({
                "partner_id": wizard.partner_id.id, "service_id": wizard.service_id.id,
                "provider_id": wizard.provider_id.id, "location_id": wizard.location_id.id,
                "case_id": wizard.case_id.id,
            })
            wizard.insights_html = draft.booking_insights_html if wizard.partner_id else False

    def _reopen(self):
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
            "view_mode": "form", "views": [(False, "form")],
            "target": "new", "name": self.env._("Book an Appointment"),
        }

    def action_previous_day(self):
        self.write({"day": max(self.day - timedelta(days=1), fields.Date.context_today(self)), "from_time": 0.0})
        return self._reopen()

    def action_next_day(self):
        self.write({"day": self.day + timedelta(days=1), "from_time": 0.0})
        return self._reopen()

    def action_next_available(self):
        """Jump to the first day, from the day after the one shown, that has a free slot."""
        slots = self._find_slots(self.day + timedelta(days=1), SEARCH_DAYS)
        if not slots:
            raise UserError(self.env._("No free slot in the next %s days for these choices.", SEARCH_DAYS))
        self.write({"day": iv.local_date(slots[0]["start"], self.location_id.tz), "from_time": 0.0})
        return self._reopen()

    def _book(self, slot):
        self.ensure_one()
        try:
            appointment = slot._book(self.service_id, self.partner_id, source="staff", case_id=self.case_id.id)
        except SlotTaken as error:
            raise SlotTaken(self.env._(
                "The schedule changed since this list was shown.\n%s", error.args[0]
            ), error.alternatives) from error
        return {
            "type": "ir.actions.act_window", "res_model": "clinic.appointment", "res_id": appointment.id,
            "view_mode": "form", "views": [(False, "form")], "target": "current",
        }
