"""Repeat weekly (the portal): a client turns one of their upcoming appointments into a weekly
series with the same weekday, local time, provider and place (readme/SERIES.md).

The controller calls these on the appointment it got from its access check (the client's own, or
the holder of its private link), in sudo: the methods below are the rules of what a client may
book this way, whoever calls them."""
import re
from datetime import datetime, timedelta

import pytz
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.clinic_scheduling.models.clinic_appointment import OPEN_STATES
from odoo.addons.clinic_scheduling.models.clinic_series_rule_mixin import WEEKDAYS

# Every 1, 2, 3 or 4 weeks; at most this many further visits at once.
REPEAT_INTERVALS = (1, 2, 3, 4)
REPEAT_MAX_VISITS = 12
KEY = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|(\d{1,9})")


class ClinicAppointment(models.Model):
    _inherit = "clinic.appointment"

    def _portal_repeat_refusal(self):
        """Why this appointment cannot be repeated online (words for the client), else False."""
        self.ensure_one()
        if not self._portal_can_change():
            return self.env._("This appointment can no longer be changed online. Please call the clinic.")
        if self.series_id:
            return self.env._("This appointment is already part of a series: please call the clinic to change it.")
        if not (self.service_id.online_bookable and self.provider_id.online_bookable):
            return self.env._("This visit cannot be booked online: please call the clinic to book more.")
        return False

    def _portal_repeat_allowance(self):
        """How many more upcoming visits of this service the client may book online (the
        service's Max Upcoming Online per Client, as ``_book_slot`` counts them), or None: no limit."""
        self.ensure_one()
        limit = self.service_id.max_upcoming_per_client
        if not limit:
            return None
        # sudo: counts the client's own upcoming visits of this service (this appointment passed
        # the access check); only the number is used.
        upcoming = self.sudo().search_count([
            ("partner_id", "=", self.partner_id.id), ("service_id", "=", self.service_id.id),
            ("state", "in", OPEN_STATES), ("stop", ">", fields.Datetime.now()),
        ])
        return max(limit - upcoming, 0)

    def _portal_repeat_max(self, interval_weeks):
        """The most further visits the client may ask for every ``interval_weeks`` weeks: within
        the service's booking horizon, the per-client allowance and :data:`REPEAT_MAX_VISITS`."""
        self.ensure_one()
        horizon_end = fields.Datetime.now() + timedelta(days=self.service_id.horizon_days)
        within_horizon = max((horizon_end - self.start).days // (7 * interval_weeks), 0)
        allowance = self._portal_repeat_allowance()
        bounds = [REPEAT_MAX_VISITS, within_horizon] + ([allowance] if allowance is not None else [])
        return min(bounds)

    def _portal_repeat_check(self, interval_weeks, count):
        """Refuse (UserError) a repeat this client may not ask for online."""
        self.ensure_one()
        refusal = self._portal_repeat_refusal()
        if refusal:
            raise UserError(refusal)
        if isinstance(interval_weeks, bool) or interval_weeks not in REPEAT_INTERVALS:
            raise UserError(self.env._("Repeat every 1, 2, 3 or 4 weeks."))
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise UserError(self.env._("Ask for at least one more visit."))
        most = self._portal_repeat_max(interval_weeks)
        if count > most:
            if not most:
                raise UserError(self._portal_repeat_none_message())
            raise UserError(self.env._(
                "At most %(most)s more visits can be booked online this way. Please call the clinic for more.",
                most=most,
            ))

    def _portal_repeat_none_message(self):
        if self._portal_repeat_allowance() == 0:
            return self.env._(
                "You already hold the most upcoming %(service)s appointments that can be booked online. "
                "Please call the clinic to book more.", service=self.service_id.name,
            )
        return self.env._("No further visit fits within how far ahead the clinic takes online bookings.")

    def _portal_repeat_series_values(self, interval_weeks, count):
        """The series of ``count`` further visits every ``interval_weeks`` weeks, as values: this
        appointment's client, service, provider, place and case, its weekday and local time."""
        self.ensure_one()
        tz = pytz.timezone(self.location_id.tz or "UTC")
        local = pytz.utc.localize(self.start).astimezone(tz)
        values = {
            "partner_id": self.partner_id.id, "service_id": self.service_id.id, "provider_id": self.provider_id.id,
            "location_id": self.location_id.id, "case_id": self.case_id.id, "first_date": local.date(),
            "local_time": local.hour + local.minute / 60, "interval_weeks": interval_weeks, "end_type": "count",
            "count": count + 1, "source": "portal",
            **{day: index == local.weekday() for index, day in enumerate(WEEKDAYS)},
        }
        return values

    def _portal_repeat_series(self, interval_weeks, count):
        """That series as a draft in memory, to plan it."""
        # sudo: portal users have no access to series; nothing is saved.
        return self.env["clinic.appointment.series"].sudo().new(
            self._portal_repeat_series_values(interval_weeks, count)
        )

    def _portal_repeat_preview(self, interval_weeks, count):
        """The dates ``count`` further visits every ``interval_weeks`` weeks would take, each with
        its state for the client (``clinic.appointment.series._portal_plan``). Writes nothing."""
        self._portal_repeat_check(interval_weeks, count)
        return self._portal_repeat_series(interval_weeks, count)._portal_plan(self)

    def _portal_repeat_book(self, interval_weeks, count, keep):
        """Book the weekly series the client confirmed: ``keep`` are the keys of the times they
        kept (as the preview gave them). The plan is made again now; a kept time still offered
        as shown is booked through the series' ``_apply_plan`` (``_book_slot``, source portal);
        one that is not (taken since the preview, even by a booking this transaction cannot see
        yet) is reported and the others are kept. The per-client limit is counted again here.

        Returns ``{"series", "booked": appointments, "lost": [{"start", "provider_id"}]}``."""
        self.ensure_one()
        if not isinstance(keep, list | tuple) or not all(isinstance(key, str) for key in keep):
            raise UserError(self.env._("Please choose the dates to book among those offered."))
        wanted = {}
        for key in keep:
            match = KEY.fullmatch(key)
            try:
                if not match:
                    raise ValueError(key)
                start = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")  # e.g. month 13: ValueError
            except ValueError:
                raise UserError(self.env._("Please choose the dates to book among those offered.")) from None
            wanted[key] = (start, int(match.group(2)))
        if not wanted:
            raise UserError(self.env._("Keep at least one date to book."))
        if len(wanted) > count:
            raise UserError(self.env._("Please choose the dates to book among those offered."))
        lines = self._portal_repeat_preview(interval_weeks, count)
        still = [line for line in lines if line["key"] in wanted]
        if not still:
            raise UserError(self.env._(
                "None of the times you kept is free any more: nothing was booked. Please look at the dates again."
            ))
        Series = self.env["clinic.appointment.series"].sudo()
        Line = self.env["clinic.series.wizard.line"].sudo()
        with self.env.cr.savepoint():
            # sudo: the client may not create series nor appointments; this one repeats their own
            # appointment (access checked by the caller), for them, with the checks above, and each
            # visit is booked by _book_slot with the online rules and every addon's booking rules.
            # The context is cleared of anything the visitor could set.
            Booking = Series.with_context(
                clinic_no_messages=False, tracking_disable=False, mail_create_nosubscribe=True,
            )
            series = Booking.create(self._portal_repeat_series_values(interval_weeks, count))
            # sudo: an appointment's series is set by the series itself (protected field).
            self.sudo().series_id = series
            plan = Line.concat(*(Line.new({
                "sequence": line["sequence"], "planned_start": line["planned_start"], "status": line["status"],
                "start": line["start"], "stop": line["stop"], "provider_id": line["provider_id"],
                "location_id": line["location_id"], "room_id": line["room_id"],
            }) for line in still))
            booked = series._apply_plan(plan, source="portal", partial=True)
        got = {(appointment.start, appointment.provider_id.id) for appointment in booked}
        lost = [{"start": start, "provider_id": provider_id}
                for start, provider_id in sorted(wanted.values()) if (start, provider_id) not in got]
        series._portal_notify_series(self, booked, len(lost))
        return {"series": series, "booked": booked.sorted("start"), "lost": lost}

    def _clinic_notify_online_booking(self, consents=None):  # pylint: disable=missing-return
        """A visit booked in a series the client made online: a note in its chatter, without
        notifying the provider once per visit (the series tells them once)."""
        in_series = self.filtered(lambda appointment: appointment.sudo().series_id.source == "portal")
        super(ClinicAppointment, self - in_series)._clinic_notify_online_booking(consents)
        for appointment in in_series:
            # sudo: this visit was just booked by _book_slot for the series' client.
            appointment.sudo().message_post(
                body=Markup("<p>%s</p>") % self.env._(
                    "Booked online by the client, in the weekly series %(series)s.",
                    series=appointment.sudo().series_id.name,
                ),
                author_id=appointment.partner_id.id, message_type="comment", subtype_xmlid="mail.mt_note",
            )
