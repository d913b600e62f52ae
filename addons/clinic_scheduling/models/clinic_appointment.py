from datetime import datetime, timedelta
from itertools import groupby

from markupsafe import Markup

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_datetime

from ..exceptions import BookingConflict, SlotTaken
from ..tools import validation

# The appointment's states, defined once: the field, the exclusion constraints, the reports' SQL,
# the views (through the stored flags below) and the day view derive from these.
STATES = [
    ("booked", "Booked"),
    ("confirmed", "Confirmed"),
    ("arrived", "Arrived"),
    ("in_session", "In Session"),
    ("done", "Done"),
    ("no_show", "No-Show"),
    ("cancelled", "Cancelled"),
]
# States in which an appointment holds its provider and room.
ACTIVE_STATES = ("booked", "confirmed", "arrived", "in_session", "done")
# States of an appointment still to come: it can be confirmed, moved, checked in, cancelled, missed.
OPEN_STATES = ("booked", "confirmed")
# State changes: method -> (states it starts from, state it leads to). The methods check them.
TRANSITIONS = {
    "action_confirm": (("booked",), "confirmed"),
    "action_arrive": (OPEN_STATES, "arrived"),
    "action_start_session": (("arrived",), "in_session"),
    "action_done": (("arrived", "in_session"), "done"),
    "action_no_show": (OPEN_STATES, "no_show"),
    "action_cancel": (OPEN_STATES, "cancelled"),
    "action_reset_to_booked": (("arrived", "done", "no_show", "cancelled"), "booked"),
}
_ACTIVE_SQL = ", ".join(f"'{state}'" for state in ACTIVE_STATES)
# Transaction-level advisory lock namespaces (pg_advisory_xact_lock(namespace, id)): bookings of
# one provider, or of one room, are made one transaction at a time.
LOCK_PROVIDER = 0x636C7001
LOCK_ROOM = 0x636C7002
# Fields only the appointment's own methods change (the state machine, the booking, its audit):
# create and write refuse them, and context defaults cannot set them, unless the environment is
# superuser; the methods write them with sudo() after their own checks.
PROTECTED_FIELDS = {
    "state", "name", "source", "booked_at", "arrived_at", "cancelled_at", "late_cancel", "cancel_reason_id",
    "cancel_note", "calendar_event_id", "series_id",
}
# What only the front desk changes: whose, what and where an appointment is (providers may move
# their own in time, e.g. from their Odoo Calendar, but not hand it to someone else).
FRONT_DESK_FIELDS = {"partner_id", "service_id", "provider_id", "location_id"}
# Fields only the clinic's staff read: a client reads their own appointments (portal), never these.
STAFF = "clinic_scheduling.group_clinic_frontdesk,clinic_scheduling.group_clinic_provider"
# Keys of the slot dicts the availability engine returns.
SLOT_KEYS = ("start", "stop", "provider_id", "location_id", "room_id")
# How many next free times a refused booking proposes.
ALTERNATIVES = 3
# Fields whose change can create an overlap.
BOOKING_FIELDS = {
    "start", "stop", "buffer_before", "buffer_after", "provider_id", "room_id", "state", "overbooked", "service_id",
}


class ClinicAppointment(models.Model):
    _name = "clinic.appointment"
    _description = "Clinic Appointment"
    _check_company_auto = True
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"
    _rec_names_search = ["name", "partner_id"]

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, check_company=True,
        domain="[('is_company', '=', False)]",
    )
    service_id = fields.Many2one("clinic.service", required=True, index=True, tracking=True, check_company=True)
    provider_id = fields.Many2one("clinic.provider", required=True, index=True, tracking=True, check_company=True)
    location_id = fields.Many2one("clinic.location", required=True, index=True, tracking=True)
    room_id = fields.Many2one(
        "clinic.room", index="btree_not_null", tracking=True, check_company=True,
        domain="[('location_id', '=', location_id)]",
    )
    case_id = fields.Many2one(
        "clinic.case", string="Case File", index="btree_not_null", tracking=True, check_company=True,
        domain="[('partner_id', '=', partner_id), ('state', '=', 'open')]", groups=STAFF,
    )
    company_id = fields.Many2one(
        related="location_id.company_id", store=True, index=True, precompute=True,
    )
    start = fields.Datetime(required=True, index=True, tracking=True)
    stop = fields.Datetime(
        compute="_compute_stop", store=True, readonly=False, precompute=True, required=True, tracking=True,
    )
    duration = fields.Integer(string="Duration (min)", compute="_compute_duration")
    buffer_before = fields.Integer(
        string="Buffer Before (min)", compute="_compute_buffers", store=True, readonly=False, precompute=True,
        groups=STAFF,
    )
    buffer_after = fields.Integer(
        string="Buffer After (min)", compute="_compute_buffers", store=True, readonly=False, precompute=True,
        groups=STAFF,
    )
    busy_start = fields.Datetime(
        compute="_compute_busy_interval", store=True, precompute=True,
        help="Start of the time the provider and room are held, preparation buffer included.", groups=STAFF,
    )
    busy_stop = fields.Datetime(
        compute="_compute_busy_interval", store=True, precompute=True, index=True,
        help="End of the time the provider and room are held, clean-up buffer included.", groups=STAFF,
    )
    state = fields.Selection(
        STATES, default="booked", required=True, index=True, tracking=True, copy=False, readonly=True,
    )
    holds_time = fields.Boolean(
        compute="_compute_state_flags", store=True, index=True,
        help="Booked, confirmed, under way or done: the appointment holds its provider and room.", groups=STAFF,
    )
    is_open = fields.Boolean(
        compute="_compute_state_flags", store=True,
        help="Booked or confirmed: still to come, it can be confirmed, moved, checked in or cancelled.", groups=STAFF,
    )
    source = fields.Selection(
        [("staff", "Staff"), ("portal", "Online"), ("waitlist", "Waitlist")],
        default="staff", required=True, readonly=True, groups=STAFF,
    )
    booked_at = fields.Datetime(
        readonly=True, copy=False, default=fields.Datetime.now, help="When the booking was made (lead time).",
        groups=STAFF,
    )
    cancel_reason_id = fields.Many2one("clinic.cancel.reason", readonly=True, tracking=True, copy=False)
    cancel_note = fields.Text(readonly=True, copy=False, groups=STAFF)
    cancelled_at = fields.Datetime(readonly=True, copy=False, groups=STAFF)
    late_cancel = fields.Boolean(
        readonly=True, copy=False, tracking=True,
        help="Cancelled by or for the client inside the service's late-cancel window.", groups=STAFF,
    )
    arrived_at = fields.Datetime(readonly=True, copy=False, groups=STAFF)
    overbooked = fields.Boolean(
        copy=False, tracking=True,
        help="Deliberately booked over another appointment by a clinic manager: "
        "it does not block and is not blocked by other appointments.", groups=STAFF,
    )
    calendar_event_id = fields.Many2one(
        "calendar.event", readonly=True, copy=False, index="btree_not_null", groups=STAFF,
    )
    series_id = fields.Many2one(
        "clinic.appointment.series", string="Series", readonly=True, copy=False, index="btree_not_null", groups=STAFF,
    )
    notes = fields.Text(string="Front-desk Notes", groups=STAFF)
    message_queue_ids = fields.One2many(
        "clinic.appointment.message", "appointment_id", string="Client Messages", groups=STAFF,
    )
    color = fields.Integer(related="service_id.color", groups=STAFF)
    client_alert = fields.Text(related="partner_id.clinic_alert", groups=STAFF)
    booking_insights_html = fields.Html(
        string="Insights", compute="_compute_booking_insights_html", sanitize=False,
        help="What staff should know before booking or opening this appointment.", groups=STAFF,
    )

    _sql_constraints = [
        ("stop_after_start", "check (stop > start)", "An appointment must end after it starts."),
        (
            "buffers_not_negative",
            "check (buffer_before >= 0 and buffer_after >= 0)",
            "Buffers cannot be negative.",
        ),
        # The guarantee against double booking: PostgreSQL refuses two active appointments of one
        # provider (or one room) whose buffered intervals overlap, whatever transaction wrote them.
        (
            "provider_no_overlap",
            """EXCLUDE USING GIST (
                   int4range(provider_id, provider_id, '[]') WITH =,
                   tsrange(busy_start, busy_stop, '[)') WITH &&
               ) WHERE (state IN (%s) AND overbooked IS NOT TRUE)""" % _ACTIVE_SQL,
            "This provider was booked for an overlapping time a moment ago. "
            "Refresh the schedule and choose another time.",
        ),
        (
            "room_no_overlap",
            """EXCLUDE USING GIST (
                   int4range(room_id, room_id, '[]') WITH =,
                   tsrange(busy_start, busy_stop, '[)') WITH &&
               ) WHERE (room_id IS NOT NULL AND state IN (%s) AND overbooked IS NOT TRUE)""" % _ACTIVE_SQL,
            "This room was booked for an overlapping time a moment ago. "
            "Refresh the schedule and choose another time or room.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state")
    def _compute_state_flags(self):
        for appointment in self:
            appointment.holds_time = appointment.state in ACTIVE_STATES
            appointment.is_open = appointment.state in OPEN_STATES

    @api.depends("start", "service_id")
    def _compute_stop(self):
        for appointment in self:
            if appointment.start and appointment.service_id:
                appointment.stop = appointment.start + timedelta(minutes=appointment.service_id.duration)
            elif not appointment.stop:
                appointment.stop = appointment.start

    @api.depends("start", "stop")
    def _compute_duration(self):
        for appointment in self:
            if appointment.start and appointment.stop:
                appointment.duration = int((appointment.stop - appointment.start).total_seconds() // 60)
            else:
                appointment.duration = 0

    @api.depends("service_id")
    def _compute_buffers(self):
        # A snapshot taken when the service is chosen: changing a service's buffers later does not
        # move appointments that are already booked.
        for appointment in self:
            appointment.buffer_before = appointment.service_id.buffer_before
            appointment.buffer_after = appointment.service_id.buffer_after

    @api.depends("start", "stop", "buffer_before", "buffer_after")
    def _compute_busy_interval(self):
        for appointment in self:
            if appointment.start and appointment.stop:
                appointment.busy_start = appointment.start - timedelta(minutes=appointment.buffer_before)
                appointment.busy_stop = appointment.stop + timedelta(minutes=appointment.buffer_after)
            else:
                appointment.busy_start = appointment.busy_stop = False

    @api.depends("name", "partner_id", "service_id")
    def _compute_display_name(self):
        for appointment in self:
            parts = [appointment.partner_id.name, appointment.service_id.name]
            appointment.display_name = " – ".join(p for p in parts if p) or appointment.name

    @api.depends("partner_id", "provider_id", "service_id", "location_id", "start", "stop", "state")
    def _compute_booking_insights_html(self):
        for appointment in self:
            insights = appointment._get_booking_insights() if appointment.partner_id else []
            appointment.booking_insights_html = Markup("").join(
                Markup('<div class="alert alert-%s py-1 px-2 mb-1 o_clinic_insight" role="status" data-code="%s">'
                       '%s</div>') % (i["level"], i["code"], i["message"])
                for i in insights
            ) or False

    def _get_booking_insights(self):
        """What staff should know about this booking: a list of
        ``{"level": "info"|"warning"|"danger", "code": str, "message": str}`` (DESIGN.md).

        Other addons extend it with super(): billing adds balance and authorization, charting adds
        missing intake or consent forms.
        """
        self.ensure_one()
        insights = []
        partner = self.partner_id
        if partner.clinic_alert:
            insights.append({"level": "danger", "code": "client_alert", "message": partner.clinic_alert})
        if partner.clinic_no_show_count:
            insights.append({"level": "warning", "code": "no_show_history", "message": self.env._(
                "%(count)s no-show(s): %(rate)s%% of past visits.",
                count=partner.clinic_no_show_count, rate=round(partner.clinic_no_show_rate * 100),
            )})
        if partner.clinic_late_cancel_count:
            insights.append({"level": "warning", "code": "late_cancel_history", "message": self.env._(
                "%s late cancellation(s).", partner.clinic_late_cancel_count,
            )})
        last = self.env["clinic.appointment"].search(
            [("partner_id", "=", partner.id), ("state", "=", "done"), ("id", "!=", self._origin.id)],
            order="start desc", limit=1,
        )
        if last:
            insights.append({"level": "info", "code": "last_visit", "message": self.env._(
                "Last visit %(date)s: %(service)s with %(provider)s.",
                date=format_datetime(self.env, last.start, tz=last.location_id.tz, dt_format="short"),
                service=last.service_id.name, provider=last.provider_id.name,
            )})
        elif partner:
            insights.append(
                {"level": "info", "code": "new_client", "message": self.env._("First visit at the clinic.")}
            )
        if self.start and self.state in OPEN_STATES and self.start < fields.Datetime.now():
            insights.append({"level": "warning", "code": "back_dated", "message": self.env._(
                "This appointment is in the past: it is being back-dated."
            )})
        if self.start and self.stop and self.provider_id and self.location_id and self.state in ACTIVE_STATES:
            work = self.provider_id._get_work_intervals(self.location_id, self.start, self.stop)[self.provider_id.id]
            if not any(lo <= self.start and self.stop <= hi for lo, hi in work):
                insights.append({"level": "warning", "code": "outside_hours", "message": self.env._(
                    "Outside %(provider)s's working hours at %(location)s (or during time off).",
                    provider=self.provider_id.name, location=self.location_id.name,
                )})
        return insights

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.constrains("provider_id", "service_id", "location_id", "room_id")
    def _check_booking_consistency(self):
        for appointment in self:
            provider, service = appointment.provider_id, appointment.service_id
            location, room = appointment.location_id, appointment.room_id
            if not provider.active:
                raise ValidationError(self.env._("Provider %s is archived and cannot be booked.", provider.name))
            if not service.active:
                raise ValidationError(self.env._("Service %s is archived and cannot be booked.", service.name))
            if not location.active:
                raise ValidationError(self.env._("Location %s is archived and cannot be booked.", location.name))
            if service not in provider.service_ids:
                raise ValidationError(
                    self.env._("%(provider)s does not offer %(service)s.", provider=provider.name, service=service.name)
                )
            if provider.location_ids and location not in provider.location_ids:
                raise ValidationError(
                    self.env._(
                        "%(provider)s does not work at %(location)s.", provider=provider.name, location=location.name
                    )
                )
            if service.location_ids and location not in service.location_ids:
                raise ValidationError(
                    self.env._(
                        "%(service)s is not offered at %(location)s.", service=service.name, location=location.name
                    )
                )
            if room:
                if not room.active:
                    raise ValidationError(self.env._("Room %s is archived and cannot be booked.", room.name))
                if room.location_id != location:
                    raise ValidationError(
                        self.env._("Room %(room)s is not at %(location)s.", room=room.name, location=location.name)
                    )
                missing = service.room_tag_ids - room.tag_ids
                if missing:
                    raise ValidationError(
                        self.env._(
                            "%(service)s needs a room with %(features)s; %(room)s lacks it.",
                            service=service.name, features=", ".join(missing.mapped("name")), room=room.name,
                        )
                    )
            elif service.room_required and appointment.state in ACTIVE_STATES:
                raise ValidationError(self.env._("%s needs a room: choose one.", service.name))

    def _booking_candidates(self):
        """(record id or 0, provider id, room id, busy start, busy stop) for each record that holds time."""
        return [
            (appointment._origin.id or 0, appointment.provider_id.id, appointment.room_id.id or None,
             appointment.busy_start, appointment.busy_stop)
            for appointment in self
            if (appointment.state or "booked") in ACTIVE_STATES and not appointment.overbooked
            and appointment.busy_start and appointment.busy_stop and appointment.provider_id
        ]

    def _check_booking_conflicts(self):
        """Refuse overlaps with a message naming the appointment in the way.

        Reads the candidates (``self``) from the cache and every other appointment from the
        database, so it must run before ``self`` is flushed: ``create`` and ``write`` flush the
        other pending changes first. PostgreSQL's exclusion constraints remain the guarantee, e.g.
        against a concurrent transaction this one cannot see.
        """
        for appointment in self:
            if appointment.start and appointment.stop and appointment.stop <= appointment.start:
                raise ValidationError(self.env._(
                    "An appointment must end after it starts (%s).", appointment.name or appointment.partner_id.name
                ))
        candidates = self._booking_candidates()
        if not candidates:
            return
        # Overlaps inside the batch itself.
        for key in (1, 2):
            ordered = sorted((c for c in candidates if c[key]), key=lambda c: (c[key], c[3]))
            for _resource, group in groupby(ordered, key=lambda c: c[key]):
                group = list(group)
                for previous, current in zip(group, group[1:], strict=False):
                    if current[3] < previous[4]:
                        raise BookingConflict(self.env._(
                            "Two of these appointments overlap for the same %s.",
                            self.env._("provider") if key == 1 else self.env._("room"),
                        ))
        own_ids = [c[0] for c in candidates if c[0]] or [0]
        values = SQL(", ").join(
            SQL("(%s, %s::int, %s::int, %s::timestamp, %s::timestamp)", *c) for c in candidates
        )
        active = SQL("a.state IN %s AND a.overbooked IS NOT TRUE AND a.id != ALL(%s)", ACTIVE_STATES, own_ids)
        self.env.cr.execute(SQL(
            """
            SELECT a.id, 'provider' FROM (VALUES %(values)s) AS c(rec_id, provider_id, room_id, b_start, b_stop)
              JOIN clinic_appointment a
                ON int4range(a.provider_id, a.provider_id, '[]') = int4range(c.provider_id, c.provider_id, '[]')
               AND tsrange(a.busy_start, a.busy_stop, '[)') && tsrange(c.b_start, c.b_stop, '[)')
             WHERE %(active)s
            UNION ALL
            SELECT a.id, 'room' FROM (VALUES %(values)s) AS c(rec_id, provider_id, room_id, b_start, b_stop)
              JOIN clinic_appointment a
                ON int4range(a.room_id, a.room_id, '[]') = int4range(c.room_id, c.room_id, '[]')
               AND tsrange(a.busy_start, a.busy_stop, '[)') && tsrange(c.b_start, c.b_stop, '[)')
             WHERE a.room_id IS NOT NULL AND %(active)s
             LIMIT 1
            """,
            values=values, active=active,
        ))
        row = self.env.cr.fetchone()
        if row:
            raise BookingConflict(self._conflict_message(row[0], row[1]))

    def _conflict_message(self, conflict_id, kind):
        # sudo: the message names the time and reference of the appointment in the way, never its
        # client, so staff who cannot read that appointment still learn why the time is refused.
        conflict = self.sudo().browse(conflict_id)
        tz = conflict.location_id.tz or "UTC"
        when = self.env._(
            "%(start)s to %(stop)s",
            start=format_datetime(self.env, conflict.start, tz=tz, dt_format="short"),
            stop=format_datetime(self.env, conflict.stop, tz=tz, dt_format="short"),
        )
        if kind == "room":
            return self.env._(
                "Room %(room)s is already taken from %(when)s by appointment %(ref)s "
                "(buffers included). Choose another time or room.",
                room=conflict.room_id.name, when=when, ref=conflict.name,
            )
        return self.env._(
            "%(provider)s is already booked from %(when)s by appointment %(ref)s "
            "(buffers included). Choose another time or provider.",
            provider=conflict.provider_id.name, when=when, ref=conflict.name,
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            protected = PROTECTED_FIELDS.intersection(*vals_list)
            if protected:
                raise UserError(self.env._(
                    "These are set by the clinic itself (booking, status buttons), not given: %s.",
                    self._field_labels(protected),
                ))
            # A context default is no way around it either (any JSON-RPC caller sets any context):
            # the protected fields get their own defaults here, which context defaults cannot change.
            vals_list = [dict(vals, **self._protected_defaults()) for vals in vals_list]
        for vals in vals_list:
            self._check_input(vals)
        if any(vals.get("overbooked") for vals in vals_list):
            self._check_overbook_right()
        if any(vals.get("state", "booked") != "booked" for vals in vals_list):
            raise UserError(self.env._("A new appointment starts as Booked."))
        self.flush_model()
        drafts = self.browse().concat(*(self.new(vals) for vals in vals_list))
        # Online first: a client is told the time is gone, not which appointment took it. An online
        # booking that names no room gets the engine's room for its slot.
        slots = drafts.filtered(lambda d: d.source == "portal")._check_online_rules()
        for vals, draft in zip(vals_list, drafts, strict=True):
            if draft in slots and slots[draft]["room_id"] and not draft.room_id:
                vals["room_id"] = draft.room_id = slots[draft]["room_id"]
        self._lock_booking_resources(drafts.provider_id.ids, drafts.room_id.ids)
        # One online booking in the engine's room was just found free by the engine, with the same
        # appointments in view as the overlap check would read: checked once.
        if not (len(drafts) == 1 and drafts in slots and drafts.room_id.id == (slots[drafts]["room_id"] or False)):
            drafts._check_booking_conflicts()
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("clinic.appointment") or "/"
        appointments = super().create(vals_list)
        partners = appointments.partner_id.filtered(lambda p: not p.clinic_client)
        if partners:
            # sudo: a flag the booking itself implies (the caller may create this appointment);
            # without it, booking a colleague (an internal user's contact) would need rights on users.
            partners.sudo().clinic_client = True
        for appointment in appointments.filtered("overbooked"):
            appointment._log_overbooking()
        return appointments

    def write(self, vals):
        if not self.env.su:
            if "state" in vals:
                raise UserError(self.env._("Use the appointment's buttons to change its status."))
            protected = PROTECTED_FIELDS.intersection(vals)
            if protected:
                raise UserError(self.env._(
                    "These are set by the clinic itself (booking, status buttons), not written: %s.",
                    self._field_labels(protected),
                ))
            if FRONT_DESK_FIELDS.intersection(vals) and not self.env.user.has_group(
                "clinic_scheduling.group_clinic_frontdesk"
            ):
                raise AccessError(self.env._(
                    "Only the front desk changes an appointment's client, service, provider or location."
                ))
        self._check_input(vals)
        if "overbooked" in vals:
            self._check_overbook_right()
        check = BOOKING_FIELDS.intersection(vals)
        if check:
            # Everything pending is written first (and was checked when it was made), so that only
            # this write's new values are left in the cache for the check to compare.
            self.flush_model()
            self._lock_booking_resources(
                [vals["provider_id"]] if "provider_id" in vals else self.provider_id.ids,
                [vals["room_id"]] if "room_id" in vals else self.room_id.ids,
            )
        result = super().write(vals)
        if check:
            self._check_booking_conflicts()
        if vals.get("overbooked"):
            for appointment in self:
                appointment._log_overbooking()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._(
            "Appointments are part of the client's record and are never deleted: cancel them instead."
        ))

    def _field_labels(self, names):
        return ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))

    @api.model
    def _protected_defaults(self):
        """The protected fields' values for a new appointment: their field defaults, else empty."""
        values = {}
        for name in PROTECTED_FIELDS:
            default = self._fields[name].default
            values[name] = default(self) if default else False
        return values

    @api.model
    def _check_input(self, vals):
        """Clear errors for values no appointment can have, before anything is computed from them
        (a start in year 1 or 9999 would otherwise overflow, a huge buffer break the database)."""
        for name in ("start", "stop"):
            if vals.get(name):
                vals[name] = validation.check_datetime(self.env, vals[name], self._fields[name].string)
        for name in ("buffer_before", "buffer_after"):
            if name in vals:
                validation.check_number(self.env, vals[name], self._fields[name].string, 0,
                                        validation.MAX_BUFFER_MINUTES)
        for name in ("provider_id", "partner_id", "service_id", "location_id"):
            if name in vals:
                validation.check_id(self.env, vals[name], self._fields[name].string)
        if "room_id" in vals:
            validation.check_id(self.env, vals["room_id"], self._fields["room_id"].string, required=False)
        for name in ("notes", "cancel_note"):
            if vals.get(name):
                validation.check_text(self.env, vals[name], self._fields[name].string, validation.MAX_TEXT)
        if vals.get("start") and vals.get("stop") and vals["stop"] - vals["start"] > timedelta(days=1):
            raise UserError(self.env._("An appointment lasts at most a day."))

    @api.constrains("start", "stop")
    def _check_length(self):
        for appointment in self:
            if appointment.stop - appointment.start > timedelta(days=1):
                raise ValidationError(self.env._("An appointment lasts at most a day (%s).", appointment.name))

    @api.model
    def _lock_booking_resources(self, provider_ids, room_ids):
        """Make bookings of the same provider or room wait for each other (until commit).

        PostgreSQL's exclusion constraints refuse an overlap whatever happens, but two transactions
        inserting competing rows each wait for the other's row and deadlock. Taking a transaction
        lock per provider and per room, always in the same order (providers, then rooms, by id),
        before checking and writing makes the second booking wait for the first, then see the
        conflict: a clear answer instead of a deadlock or a retry storm.
        """
        keys = {(LOCK_PROVIDER, pid) for pid in provider_ids if pid} | {(LOCK_ROOM, rid) for rid in room_ids if rid}
        if not keys:
            return
        # One statement for all: PostgreSQL evaluates volatile output expressions (the lock
        # calls) after the ORDER BY sort, so the locks are taken one by one in that order.
        self.env.cr.execute(SQL(
            "SELECT pg_advisory_xact_lock(k.namespace, k.res_id) FROM (VALUES %s) AS k(namespace, res_id)"
            " ORDER BY k.namespace, k.res_id",
            SQL(", ").join(SQL("(%s, %s)", namespace, res_id) for namespace, res_id in sorted(keys)),
        ))

    # ------------------------------------------------------------------
    # Booking: the one way a slot becomes an appointment (DESIGN.md)
    # ------------------------------------------------------------------
    @api.model
    def _book_slot(self, service, slot, partner, source="staff", **values):
        """Book ``slot`` (one dict as ``clinic.service._get_available_slots`` returns it) of
        ``service`` for ``partner`` and return the appointment.

        Every way of booking goes through here: the booking wizard, the day view, recurring series,
        waitlist offers, the portal and the API. Bookings of the same provider or room are made
        one at a time; the slot is checked again inside the transaction (an online booking must
        still be a slot the engine offers, anything else must not overlap); the rules of the other
        addons apply through :meth:`_book_slot_check`; the appointment is created under a savepoint.
        A slot that is no longer free raises :class:`SlotTaken` with the conflict and the next
        free times; nothing is left behind and the caller's transaction goes on.

        :param values: other appointment fields (``case_id``, ``notes``, ``series_id``...); the
            slot, the client, the service, the state and the source cannot be given here.
        """
        slot = self._book_slot_validate(service, slot, partner, source, values)
        vals = dict(
            values, partner_id=partner.id, service_id=service.id, source=source,
            **{key: slot[key] or False for key in SLOT_KEYS},
        )
        self.check_access("create")
        try:
            with self.env.cr.savepoint():
                self._lock_booking_resources([slot["provider_id"]], [slot["room_id"]])
                self._book_slot_check(service, slot, partner, source, values)
                # sudo: the source (and a series) are the booking's own fields, which a plain create
                # refuses; the caller may create appointments (checked above) and its record rules
                # are checked on the new appointment right after.
                appointment = self.sudo().create(vals).with_env(self.env)
                appointment.check_access("create")
        except BookingConflict as error:
            raise self._slot_taken(service, slot, source, str(error)) from error
        except (pg_errors.ExclusionViolation, pg_errors.DeadlockDetected) as error:
            raise self._slot_taken(service, slot, source, self._lost_race_message(error, slot)) from error
        return appointment

    @api.model
    def book_slot(self, service_id, partner_id, start, provider_id, location_id=None, room_id=None, case_id=None,
                  notes=None):
        """Book a free slot for a client, from the front desk or an integration (JSON-RPC).

        ``start`` ('YYYY-MM-DD HH:MM:SS', UTC) with ``provider_id`` must be a free slot the
        availability engine offers (at ``location_id`` and in ``room_id`` when given, else the
        engine's choice); it is booked through :meth:`_book_slot`. Returns ``{"id", "name"}``.
        A time that is not free raises ``SlotTaken``: its message says why and lists the next free
        times.
        """
        self.check_access("create")
        env = self.env
        service_id = validation.check_id(env, service_id, "service_id")
        partner_id = validation.check_id(env, partner_id, "partner_id")
        provider_id = validation.check_id(env, provider_id, "provider_id")
        location_id = validation.check_id(env, location_id, "location_id", required=False)
        room_id = validation.check_id(env, room_id, "room_id", required=False)
        case_id = validation.check_id(env, case_id, "case_id", required=False)
        start = validation.check_datetime(env, start, "start")
        notes = validation.check_text(env, notes, "notes", validation.MAX_TEXT)
        service = self.env["clinic.service"].browse(service_id).exists()
        partner = self.env["res.partner"].browse(partner_id).exists()
        provider = self.env["clinic.provider"].browse(provider_id).exists()
        if not (service and partner and provider):
            raise UserError(self.env._("Unknown service, client or provider."))
        service.check_access("read")
        partner.check_access("read")
        slots = service._get_available_slots(
            start, start + timedelta(seconds=1), provider_ids=provider.ids, location_id=location_id or None,
            online=False,
        )
        slot = next((s for s in slots if not room_id or s["room_id"] == room_id), None)
        if not slot:
            slot = {"start": start, "stop": start + timedelta(minutes=service.duration), "provider_id": provider.id,
                    "location_id": location_id or (provider.location_ids[:1].id or False), "room_id": room_id or False}
            raise self._slot_taken(service, slot, "staff", self.env._(
                "%(provider)s is not free at that time for %(service)s.", provider=provider.name,
                service=service.name,
            ))
        values = {"case_id": case_id} if case_id else {}
        if notes:
            values["notes"] = notes
        appointment = self._book_slot(service, slot, partner, "staff", **values)
        return {"id": appointment.id, "name": appointment.name}

    def _book_slot_check(self, service, slot, partner, source, values):
        """The booking rules of the addons, checked inside the booking's transaction and savepoint,
        once the provider and room are locked. Raise a ``UserError`` to refuse the booking.

        ``values`` are the other fields the appointment is created with (``case_id``...).

        Scheduling has none beyond the appointment's own checks; billing (authorizations, balance),
        charting (intake and consent forms) and the portal (per-client limits) extend it with
        ``super()``.
        """
        return True

    def _book_slot_validate(self, service, slot, partner, source, values):
        """Clear errors for a wrong call, before anything is locked or written."""
        if not (isinstance(service, models.BaseModel) and service._name == "clinic.service" and len(service) == 1):
            raise UserError(self.env._("Booking needs one service."))
        if not (isinstance(partner, models.BaseModel) and partner._name == "res.partner" and len(partner) == 1):
            raise UserError(self.env._("Booking needs one client."))
        if source not in dict(self._fields["source"].selection):
            raise UserError(self.env._("Unknown booking source: %s.", source))
        if not isinstance(slot, dict) or not all(key in slot for key in SLOT_KEYS):
            raise UserError(self.env._("A slot has a start, a stop, a provider, a location and a room (or none)."))
        if not all(isinstance(slot[key], datetime) for key in ("start", "stop")):
            raise UserError(self.env._("A slot's start and stop are date-times."))
        for key in ("provider_id", "location_id", "room_id"):
            if slot[key] is not False and not isinstance(slot[key], int):
                raise UserError(self.env._("A slot names its provider, location and room by id."))
        reserved = {"partner_id", "service_id", "state", "source", "overbooked", *SLOT_KEYS}.intersection(values)
        if reserved:
            raise UserError(self.env._(
                "These come from the slot and the booking itself, not from other values: %s.",
                ", ".join(sorted(reserved)),
            ))
        return {key: slot[key] for key in SLOT_KEYS}

    def _lost_race_message(self, error, slot):
        """What is in the way, when PostgreSQL refused the overlap (a booking this transaction
        could not see yet) or aborted a deadlock between two bookings.

        The caller has passed the create check already; sudo only reads the name of the room or
        provider of the slot it asked for, names the portal shows clients anyway."""
        if getattr(error.diag, "constraint_name", "") == "clinic_appointment_room_no_overlap":
            room = self.env["clinic.room"].sudo().browse(slot["room_id"])
            return self.env._("Room %s was booked for this time a moment ago.", room.name)
        provider = self.env["clinic.provider"].sudo().browse(slot["provider_id"])
        return self.env._("%s was booked for this time a moment ago.", provider.name)

    def _slot_taken(self, service, slot, source, conflict):
        """A :class:`SlotTaken` for ``slot``: the conflict in words and the next free times."""
        if source == "portal":
            # A client is told the time is gone, not which appointment took it.
            conflict = self.env._("This time was just taken.")
        alternatives = self._slot_alternatives(service, slot, online=source == "portal")
        # sudo reads only the location's time zone and the providers' names, which the portal
        # shows clients anyway; the caller has passed its access check on the booking.
        location = self.env["clinic.location"].sudo().browse(slot["location_id"])
        providers = self.env["clinic.provider"].sudo().browse({s["provider_id"] for s in alternatives})
        names = {provider.id: provider.name for provider in providers}
        lines = [
            self.env._(
                "%(when)s with %(provider)s",
                when=format_datetime(self.env, s["start"], tz=location.tz, dt_format="EEE d MMM, HH:mm"),
                provider=names[s["provider_id"]],
            )
            for s in alternatives
        ]
        message = conflict
        if lines:
            message = self.env._("%(conflict)s\n\nNext free times: %(times)s.", conflict=conflict,
                                 times="; ".join(lines))
        return SlotTaken(message, alternatives)

    @api.model
    def _slot_alternatives(self, service, slot, online=False, limit=ALTERNATIVES):
        """The next free slots of ``service`` at the slot's location around the slot (that day and
        the next two): the nearest with the same provider first, then with anyone, never the taken
        time itself. A short window keeps a refusal cheap when many clients want the same time."""
        now = fields.Datetime.now()
        start = max(slot["start"] - timedelta(hours=12), now)
        slots = service._get_available_slots(
            start, slot["start"] + timedelta(days=3), location_id=slot["location_id"], online=online,
        )

        def in_the_way(other):
            # The engine may not see the booking that took the slot yet (it runs in this
            # transaction's snapshot): never offer the same provider or room at that time.
            same = other["provider_id"] == slot["provider_id"] or (
                slot["room_id"] and other["room_id"] == slot["room_id"]
            )
            return same and other["start"] < slot["stop"] and slot["start"] < other["stop"]

        slots = [s for s in slots if not in_the_way(s)]
        nearest = sorted(
            slots, key=lambda s: (s["provider_id"] != slot["provider_id"], abs(s["start"] - slot["start"]))
        )
        return sorted(nearest[:limit], key=lambda s: s["start"])

    def _check_online_rules(self):
        """A booking made online must be a slot the engine offers online: inside working hours,
        notice and horizon, free, on the grid, and open to new clients when the client is new.

        Returns ``{appointment: slot}``: the engine's slot of each (its room is the engine's first
        free room for that time, False when the service needs none)."""
        slots = {}
        for appointment in self:
            service = appointment.service_id
            if not service.new_clients_allowed and not self.search_count(
                [("partner_id", "=", appointment.partner_id.id), ("state", "=", "done")], limit=1
            ):
                raise ValidationError(self.env._(
                    "%s is for returning clients: please call the clinic for a first visit.", service.name
                ))
            offered = service._get_available_slots(
                appointment.start, appointment.start + timedelta(seconds=1),
                provider_ids=appointment.provider_id.ids, location_id=appointment.location_id.id, online=True,
            )
            slot = next((slot for slot in offered
                         if slot["start"] == appointment.start and slot["stop"] == appointment.stop), None)
            if not slot:
                raise BookingConflict(self.env._(
                    "This time is no longer available online. Please choose another time."
                ))
            slots[appointment] = slot
        return slots

    def _check_overbook_right(self):
        if not self.env.user.has_group("clinic_scheduling.group_clinic_manager"):
            raise AccessError(self.env._("Only a clinic manager may overbook a provider or room."))

    def _log_overbooking(self):
        self.message_post(
            body=self.env._("Deliberately overbooked by %s: this appointment may overlap others.", self.env.user.name),
            message_type="comment", subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Lifecycle (DESIGN.md: other addons extend these with super())
    # ------------------------------------------------------------------
    def _set_state(self, from_states, state, **values):
        wrong = self.filtered(lambda a: a.state not in from_states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(self.env._(
                "%(ref)s is %(state)s and cannot become %(new)s.",
                ref=wrong[0].name, state=labels[wrong[0].state], new=labels[state],
            ))
        self.check_access("write")
        # sudo: the state and its audit fields are protected; the caller may change these
        # appointments (checked above) and the transition is one TRANSITIONS allows.
        return self.sudo().write(dict(values, state=state))

    def _transition(self, method, **values):
        """Apply the state change ``method`` of :data:`TRANSITIONS`."""
        from_states, state = TRANSITIONS[method]
        return self._set_state(set(from_states), state, **values)

    def action_confirm(self):
        return self._transition("action_confirm")

    def action_arrive(self):
        return self._transition("action_arrive", arrived_at=fields.Datetime.now())

    def action_start_session(self):
        return self._transition("action_start_session")

    def action_done(self):
        return self._transition("action_done")

    def action_no_show(self):
        now = fields.Datetime.now()
        early = self.filtered(lambda a: a.start > now)
        if early:
            raise UserError(self.env._("%s has not started yet: it cannot be a no-show.", early[0].name))
        return self._transition("action_no_show")

    def action_cancel(self, reason=None, note=None, when=None):
        """Cancel with a reason (a clinic.cancel.reason record or id).

        ``when`` is the moment the client cancelled when it was earlier than now (a voicemail left
        overnight); it defaults to now. A cancellation that is not the clinic's doing and came
        inside the service's late-cancel window is flagged late.
        """
        if isinstance(reason, int) and not isinstance(reason, bool):
            reason = self.env["clinic.cancel.reason"].browse(reason).exists()
        if not (isinstance(reason, models.BaseModel) and reason._name == "clinic.cancel.reason" and len(reason) == 1):
            raise UserError(self.env._("Give a reason to cancel an appointment (one of the cancellation reasons)."))
        if note not in (None, False) and not isinstance(note, str):
            raise UserError(self.env._("The cancellation note must be text."))
        validation.check_text(self.env, note, self.env._("Cancellation note"), validation.MAX_TEXT)
        now = fields.Datetime.now()
        when = validation.check_datetime(self.env, when, self.env._("Cancelled at")) if when else now
        if when > now:
            raise UserError(self.env._("A cancellation cannot be recorded in the future."))
        for appointment in self:
            window = timedelta(hours=appointment.service_id.late_cancel_hours)
            late = not reason.by_clinic and appointment.start - when < window
            appointment._transition(
                "action_cancel",
                cancel_reason_id=reason.id, cancel_note=note or False, cancelled_at=when, late_cancel=late,
            )
        return True

    def action_open_cancel_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Appointment"),
            "res_model": "clinic.appointment.cancel",
            "view_mode": "form", "views": [(False, "form")],
            "target": "new",
            "context": {"default_appointment_ids": self.ids},
        }

    def action_open_series_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Repeat Appointment"),
            "res_model": "clinic.series.wizard",
            "view_mode": "form", "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_appointment_id": self.id, "default_partner_id": self.partner_id.id,
                "default_service_id": self.service_id.id, "default_provider_id": self.provider_id.id,
                "default_location_id": self.location_id.id,
                "default_first_start": fields.Datetime.to_string(self.start),
            },
        }

    def action_reset_to_booked(self):
        """Undo an arrival, completion, no-show or cancellation recorded by mistake. The slot must
        still be free. (Billing reverses what the completion or the fee charged.)"""
        self._transition(
            "action_reset_to_booked",
            cancel_reason_id=False, cancel_note=False, cancelled_at=False, late_cancel=False, arrived_at=False,
        )
        return True
