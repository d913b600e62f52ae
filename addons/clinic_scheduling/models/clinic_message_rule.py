from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

APPOINTMENT_KINDS = [
    ("confirmation", "Confirmation"),
    ("reminder", "Reminder"),
    ("reschedule", "Rescheduled"),
    ("cancellation", "Cancellation"),
    ("no_show", "No-show follow-up"),
]
WAITLIST_KINDS = [
    ("waitlist_offer", "Waitlist offer"),
    ("waitlist_taken", "Waitlist: offered time taken"),
]
KIND_MODELS = dict.fromkeys(dict(APPOINTMENT_KINDS), "clinic.appointment") | dict.fromkeys(
    dict(WAITLIST_KINDS), "clinic.waitlist"
)
UNITS = {"minutes": 1 / 60, "hours": 1, "days": 24}


class ClinicMessageRule(models.Model):
    """What a client is sent, and when: one record per message kind (and per reminder), with the
    email and SMS templates it renders, as ``event.mail`` scheduler lines are for events.

    The booking queues ``clinic.appointment.message`` rows that point to the rules applying to the
    appointment; the scheduled job renders the rule's templates when the row is due. A rule may be
    restricted to services and/or locations: for an appointment, the most specific rules of a kind
    replace the broader ones (services before locations before the whole clinic), so a service's
    own reminder wins over its location's, and several rules of the same level all apply (a
    reminder two days and another two hours before). A rule without templates, or a reminder with
    no lead time, sends nothing: it silences its kind where it applies. An archived rule is not
    queued any more, and what it had queued is skipped with a note."""

    _name = "clinic.message.rule"
    _description = "Client Message"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(APPOINTMENT_KINDS + WAITLIST_KINDS, required=True, tracking=True)
    model = fields.Char(compute="_compute_model", store=True, string="Sent About")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", ondelete="restrict", tracking=True,
        domain="[('model', '=', model)]", help="Empty: no email.",
    )
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", ondelete="restrict", tracking=True,
        domain="[('model', '=', model)]",
        help="Sent where the location sends SMS, to clients with a mobile or phone number. Empty: no SMS.",
    )
    interval_nbr = fields.Integer(
        string="Lead Time", default=24, tracking=True,
        help="How long before the appointment the reminder goes. Zero: no reminder. A change also moves "
        "the reminders already planned and not sent yet.",
    )
    interval_unit = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")],
        string="Unit", default="hours", required=True, tracking=True,
    )
    service_ids = fields.Many2many(
        "clinic.service", string="Only for Services",
        help="Empty: every service. For these services, this rule replaces the rules of the same kind that "
        "are not restricted to services.",
    )
    location_ids = fields.Many2many(
        "clinic.location", string="Only at Locations",
        help="Empty: every location. At these locations, this rule replaces the clinic-wide rules of the same kind.",
    )

    @api.depends("kind")
    def _compute_model(self):
        for rule in self:
            rule.model = KIND_MODELS.get(rule.kind)

    @api.constrains("kind", "mail_template_id", "sms_template_id")
    def _check_templates(self):
        for rule in self:
            for template in (rule.mail_template_id, rule.sms_template_id):
                if template and template.model != rule.model:
                    raise ValidationError(self.env._(
                        "The template %(template)s is for %(model)s records; the message %(rule)s needs one for "
                        "%(expected)s.", template=template.display_name, model=template.model, rule=rule.name,
                        expected=rule.model,
                    ))

    @api.constrains("interval_nbr")
    def _check_interval(self):
        if any(rule.interval_nbr < 0 for rule in self):
            raise ValidationError(self.env._("A reminder's lead time cannot be negative."))

    def write(self, vals):
        result = super().write(vals)
        if {"interval_nbr", "interval_unit"} & set(vals):
            self._reschedule_pending_reminders()
        return result

    # ------------------------------------------------------------------
    # What applies, and how it is sent
    # ------------------------------------------------------------------
    def _lead_time(self):
        self.ensure_one()
        return timedelta(hours=self.interval_nbr * UNITS[self.interval_unit])

    def _lead_hours(self):
        """The lead time in hours, 0 for no rule (the reminder fields of services and locations)."""
        return self._lead_time().total_seconds() / 3600 if self else 0.0

    def _sends(self):
        self.ensure_one()
        if self.kind == "reminder" and not self.interval_nbr:
            return False
        return bool(self.mail_template_id or self.sms_template_id)

    def _specificity(self):
        return bool(self.service_ids), bool(self.location_ids)

    def _select(self, kind, service, location):
        """Of these rules, those of ``kind`` for an appointment (or waitlist offer) of ``service`` at
        ``location``: only the most specific level (see the class docstring), in their order."""
        matching = self.filtered(lambda r: r.kind == kind
                                 and (not r.service_ids or service in r.service_ids)
                                 and (not r.location_ids or location in r.location_ids))
        if not matching:
            return matching
        best = max(rule._specificity() for rule in matching)
        return matching.filtered(lambda r: r._specificity() == best)

    def _channels(self, partner, location):
        """(by email, by SMS): how this rule reaches ``partner`` for something at ``location``."""
        self.ensure_one()
        by_email = bool(self.mail_template_id and partner.email and not partner.is_blacklisted)
        by_sms = bool(self.sms_template_id and location.sms_enabled and (partner.mobile or partner.phone))
        return by_email, by_sms

    def _post_sms(self, record, partner):
        """The SMS template rendered in the client's language, queued in Odoo's SMS queue (sent by its
        own job with the clinic's SMS credits), and logged on ``record``."""
        self.ensure_one()
        record.with_context(lang=partner.lang)._message_sms_with_template(
            template=self.sms_template_id.with_env(record.env), partner_ids=partner.ids, put_in_queue=True,
        )

    def _post_email(self, record, partner, subtype_xmlid, attachments=None):
        """The email template posted on ``record`` for the client only: under a subtype nobody
        follows by default, so that the booker is not copied. ``attachments`` (the calendar file)
        come with the template's own attachments."""
        self.ensure_one()
        template = self.mail_template_id.with_env(record.env)
        values = {"attachment_ids": (template.attachment_ids | attachments).ids} if attachments else {}
        record.with_context(lang=partner.lang).message_post_with_source(
            template, message_type="comment", subtype_xmlid=subtype_xmlid, partner_ids=partner.ids, **values,
        )

    def _reschedule_pending_reminders(self):
        """A new lead time applies to the reminders these rules queued and have not sent yet."""
        reminders = self.filtered(lambda r: r.kind == "reminder" and r.interval_nbr)
        if not reminders:
            return
        Message = self.env["clinic.appointment.message"]
        Message.flush_model(["rule_id", "state", "key", "scheduled_at"])
        for rule in reminders:
            # One statement per rule (a rule may have queued a reminder for every upcoming appointment);
            # the key of a reminder is the start it announces.
            self.env.cr.execute(SQL(
                """
                UPDATE clinic_appointment_message
                   SET scheduled_at = key::timestamp - %s, write_uid = %s, write_date = %s
                 WHERE rule_id = %s AND state = 'pending'
                """, rule._lead_time(), self.env.uid, fields.Datetime.now(), rule.id,
            ))
        Message.invalidate_model(["scheduled_at", "write_uid", "write_date"])

    # ------------------------------------------------------------------
    # The reminder fields of services and locations
    # ------------------------------------------------------------------
    @api.model
    def _own_reminders(self, records):
        """{service or location: its own reminder rules}, the active reminder rules restricted to
        exactly that one service (at any location) or that one location (for any service)."""
        scope, other = ("service_ids", "location_ids") if records._name == "clinic.service" else (
            "location_ids", "service_ids")
        rules = self.search([("kind", "=", "reminder"), (scope, "in", records._origin.ids)])
        own = {record: rules.browse() for record in records}
        for record in records:
            for rule in rules:
                if rule[scope] == record._origin and not rule[other]:
                    own[record] |= rule
        return own

    @api.model
    def _clinic_wide_reminder(self):
        return self.search([("kind", "=", "reminder"), ("service_ids", "=", False), ("location_ids", "=", False)],
                           limit=1)

    @api.model
    def _set_own_reminder(self, record, own, hours):
        """Give ``record`` (a service or location) its own reminder ``hours`` before: the first of its
        own rules takes the new lead time, or a new rule is made with the templates of the reminder
        it replaces."""
        if own:
            own[:1].write(self._interval_values(hours))
            return
        template = self._clinic_wide_reminder() or self.with_context(active_test=False).search(
            [("kind", "=", "reminder"), "|", ("mail_template_id", "!=", False), ("sms_template_id", "!=", False)],
            limit=1,
        )
        scope = "service_ids" if record._name == "clinic.service" else "location_ids"
        self.create(dict(
            self._interval_values(hours), kind="reminder", sequence=template.sequence or 10,
            name=self.env._("Reminder – %s", record.display_name), **{scope: [(6, 0, record.ids)]},
            mail_template_id=template.mail_template_id.id, sms_template_id=template.sms_template_id.id,
        ))

    @api.model
    def _interval_values(self, hours):
        if float(hours).is_integer():
            return {"interval_nbr": int(hours), "interval_unit": "hours"}
        return {"interval_nbr": round(hours * 60), "interval_unit": "minutes"}
