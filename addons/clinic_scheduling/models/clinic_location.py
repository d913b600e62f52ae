import pytz

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get

from ..tools import validation
from ..tools.worktime import Place


class ClinicLocation(models.Model):
    _name = "clinic.location"
    _description = "Clinic Location"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Address", help="Where clients come for their appointments."
    )
    tz = fields.Selection(
        _tz_get, string="Time Zone", required=True, tracking=True,
        default=lambda self: self.env.user.tz or "UTC",
        help="Slots are offered and shown in this time zone.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar", string="Opening Hours",
        help="When the location is open. Providers can only be booked here inside these hours.",
    )
    phone = fields.Char(related="partner_id.phone", readonly=False)
    reminder_hours = fields.Float(
        string="Reminder (h before)", compute="_compute_reminder_hours", inverse="_inverse_reminder_hours",
        help="When clients are reminded of their appointments here (services may have their own): this "
        "location's own reminder rule, or else the clinic-wide one (Configuration > Client Messages). "
        "Zero: no reminder.",
    )
    sms_enabled = fields.Boolean(
        string="Also by SMS", help="Send appointment messages by SMS too (Odoo SMS credits needed) to clients "
        "with a mobile number.",
    )
    room_ids = fields.One2many("clinic.room", "location_id", string="Rooms")
    room_count = fields.Integer(compute="_compute_room_count")
    color = fields.Integer()

    @api.depends("room_ids")
    def _compute_room_count(self):
        counts = dict(
            self.env["clinic.room"]._read_group(
                [("location_id", "in", self.ids)], ["location_id"], ["__count"]
            )
        )
        for location in self:
            location.room_count = counts.get(location, 0)

    @api.constrains("name")
    def _check_text_sizes(self):
        for record in self:
            for name in ("name",):
                validation.check_text(self.env, record[name], self._fields[name].string, validation.MAX_NAME)

    def _work_place(self):
        """This location as ``WorkTime`` needs it: id, opening-hours calendar id, time zone."""
        self.ensure_one()
        return Place(self.id, self.resource_calendar_id.id, pytz.timezone(self.tz or "UTC"))

    def _compute_reminder_hours(self):
        Rule = self.env["clinic.message.rule"]
        own = Rule._own_reminders(self)
        clinic_wide = Rule._clinic_wide_reminder()._lead_hours()
        for location in self:
            location.reminder_hours = own[location][:1]._lead_hours() if own[location] else clinic_wide

    def _inverse_reminder_hours(self):
        Rule = self.env["clinic.message.rule"]
        own = Rule._own_reminders(self)
        clinic_wide = Rule._clinic_wide_reminder()
        for location in self:
            if clinic_wide and location.reminder_hours == clinic_wide._lead_hours():
                own[location].action_archive()  # the clinic-wide reminder applies again
            else:  # zero too: an own reminder with no lead time silences the clinic-wide one here
                Rule._set_own_reminder(location, own[location], location.reminder_hours)
