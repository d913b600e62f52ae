from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import validation


class ClinicService(models.Model):
    _name = "clinic.service"
    _description = "Clinic Service"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    description = fields.Html(translate=True, help="Shown to clients when they book online.")
    color = fields.Integer()
    discipline = fields.Selection(
        selection=lambda self: self.env["clinic.provider"]._fields["discipline"].selection
    )
    duration = fields.Integer(
        string="Duration (min)", required=True, default=60, tracking=True,
        help="Time with the client, in minutes.",
    )
    buffer_before = fields.Integer(
        string="Buffer Before (min)", default=0, tracking=True,
        help="Preparation time blocked before the appointment.",
    )
    buffer_after = fields.Integer(
        string="Buffer After (min)", default=0, tracking=True,
        help="Clean-up or notes time blocked after the appointment.",
    )
    slot_interval = fields.Integer(
        string="Slot Interval (min)", default=15, required=True,
        help="Offered start times are this many minutes apart.",
    )
    min_notice_hours = fields.Float(
        string="Minimum Notice (h)", default=2.0, help="Online bookings must start at least this long from now."
    )
    horizon_days = fields.Integer(
        string="Booking Horizon (days)", default=90, help="Online bookings cannot be further ahead than this."
    )
    late_cancel_hours = fields.Float(
        string="Late-Cancel Window (h)", default=24.0,
        help="A client cancellation within this many hours of the start is a late cancellation.",
    )
    reminder_hours = fields.Float(
        string="Reminder (h before)", compute="_compute_reminder_hours", inverse="_inverse_reminder_hours",
        help="This service's own reminder (a rule in Configuration > Client Messages, which replaces the "
        "location's and the clinic-wide reminders for it). Zero: none of its own.",
    )
    room_required = fields.Boolean(help="Every appointment of this service takes a room.")
    room_tag_ids = fields.Many2many(
        "clinic.room.tag", string="Room Features", help="The room must have all of these features."
    )
    online_bookable = fields.Boolean(default=True, tracking=True)
    new_clients_allowed = fields.Boolean(
        default=True, help="Clients who never visited may book this service online."
    )
    provider_ids = fields.Many2many(
        "clinic.provider", "clinic_provider_service_rel", "service_id", "provider_id", string="Providers"
    )
    location_ids = fields.Many2many(
        "clinic.location", string="Locations", help="Where this service is offered. Empty: every location."
    )

    _sql_constraints = [
        ("duration_positive", "check (duration > 0)", "A service lasts at least one minute."),
        ("buffers_positive", "check (buffer_before >= 0 and buffer_after >= 0)", "Buffers cannot be negative."),
        ("interval_positive", "check (slot_interval > 0)", "The slot interval must be positive."),
        (
            "notice_horizon_positive",
            "check (min_notice_hours >= 0 and horizon_days >= 0 and late_cancel_hours >= 0)",
            "Notice, horizon and late-cancel window cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_input(vals)
        return super().write(vals)

    def _check_input(self, vals):
        """Sizes a clinic's service can have, checked before the database sees them (an integer
        beyond 2**31 would otherwise end in a database error)."""
        limits = {
            "duration": (1, 24 * 60), "buffer_before": (0, validation.MAX_BUFFER_MINUTES),
            "buffer_after": (0, validation.MAX_BUFFER_MINUTES), "slot_interval": (1, 24 * 60),
            "min_notice_hours": (0, 24 * 366), "horizon_days": (0, 366 * validation.YEARS_AHEAD),
            "late_cancel_hours": (0, 24 * 366), "reminder_hours": (0, 24 * 366),
        }
        for name, (minimum, maximum) in limits.items():
            if name in vals:
                validation.check_number(self.env, vals[name], self._fields[name].string, minimum, maximum)
        if vals.get("name"):
            validation.check_text(self.env, vals["name"], self._fields["name"].string, validation.MAX_NAME)

    @api.constrains("room_required", "room_tag_ids")
    def _check_room_tags(self):
        for service in self:
            if service.room_tag_ids and not service.room_required:
                raise ValidationError(
                    self.env._("Service %s lists room features but does not require a room.", service.name)
                )

    def _compute_reminder_hours(self):
        own = self.env["clinic.message.rule"]._own_reminders(self)
        for service in self:
            service.reminder_hours = own[service][:1]._lead_hours()

    def _inverse_reminder_hours(self):
        Rule = self.env["clinic.message.rule"]
        own = Rule._own_reminders(self)
        for service in self:
            if service.reminder_hours:
                Rule._set_own_reminder(service, own[service], service.reminder_hours)
            else:
                own[service].action_archive()  # the location's or the clinic-wide reminders apply again
