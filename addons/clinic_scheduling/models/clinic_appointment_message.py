import logging


from odoo import api, fields, models, modules
from odoo.tools import SQL

from .clinic_appointment import OPEN_STATES

_logger = logging.getLogger(__name__)

KINDS = [
    ("confirmation", "Confirmation"),
    ("reminder", "Reminder"),
    ("reschedule", "Rescheduled"),
    ("cancellation", "Cancellation"),
    ("no_show", "No-show follow-up"),
]
WITH_ICS = ("confirmation", "reschedule", "cancellation")


class ClinicAppointmentMessage(models.Model):
    """Messages to clients about their appointments, queued by the booking and sent by a scheduled
    job: never inside the booking transaction, never twice (one row per appointment, kind and key),
    and skipped with a reason when they no longer apply or the client opted out."""

    _name = "clinic.appointment.message"
    _description = "Appointment Message"
    _order = "scheduled_at, id"

    appointment_id = fields.Many2one("clinic.appointment", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="appointment_id.partner_id")
    company_id = fields.Many2one(related="appointment_id.company_id", store=True)
    kind = fields.Selection(KINDS, required=True)
    key = fields.Char(
        required=True, help="What this message is about (the start it announces), so that it is sent once."
    )
    scheduled_at = fields.Datetime(string="Due", required=True, index=True)
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("skipped", "Skipped"), ("failed", "Failed")],
        default="pending", required=True, index=True,
    )
    sent_at = fields.Datetime(readonly=True)
    note = fields.Char(readonly=True)

    _sql_constraints = [
        ("once", "unique (appointment_id, kind, key)", "This message was already queued for this appointment."),
    ]

    @api.model
    def _queue(self, rows):
        """Queue ``(appointment, kind, key, when)`` messages; one already queued is left as it is.

        Plain SQL for ``ON CONFLICT DO NOTHING``: the queue is the system's, written as a side
        effect of a booking the caller was allowed to make, and a duplicate must not abort it.
        """
        if not rows:
            return
        now, uid = fields.Datetime.now(), self.env.uid
        values = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, 'pending', %s, %s, %s, %s)",
                appointment.id, appointment.company_id.id, kind, key, when, uid, now, uid, now)
            for appointment, kind, key, when in rows
        )
        self.env.cr.execute(SQL(
            """
            INSERT INTO clinic_appointment_message
                   (appointment_id, company_id, kind, key, scheduled_at, state, create_uid, create_date,
                    write_uid, write_date)
            VALUES %s
            ON CONFLICT (appointment_id, kind, key) DO NOTHING
            """, values,
        ))

    @api.model
    def _cron_send_due(self, limit=200):
        """Send what is due. Each message is committed on its own (outside tests) so that a failure
        or a crash never sends one twice."""
        auto_commit = not modules.module.current_test
        self.env.cr.execute(
            """
            SELECT id FROM clinic_appointment_message
             WHERE state = 'pending' AND scheduled_at <= %s
             ORDER BY scheduled_at, id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [fields.Datetime.now(), limit],
        )
        messages = self.browse([row[0] for row in self.env.cr.fetchall()])
        for message in messages:
            try:
                with self.env.cr.savepoint():
                    message._send()
            except Exception as error:  # noqa: BLE001 - one bad message must not block the queue
                _logger.exception("Clinic message %s could not be sent", message.id)
                message.write({"state": "failed", "note": str(error)[:200]})
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return len(messages)

    def _skip_reason(self):
        self.ensure_one()
        appointment, partner = self.appointment_id, self.appointment_id.partner_id
        if partner.clinic_no_messages:
            return self.env._("The client does not want appointment messages.")
        if not self._by_email() and not self._by_sms():
            return self.env._("No way to reach the client: no usable email address, and no SMS.")
        if self.kind in ("confirmation", "reminder", "reschedule"):
            if appointment.state not in OPEN_STATES:
                return self.env._("The appointment is no longer upcoming.")
            if self.key != fields.Datetime.to_string(appointment.start):
                return self.env._("The appointment was moved since.")
            if appointment.start <= fields.Datetime.now():
                return self.env._("Too late: the appointment has started.")
        if self.kind == "cancellation" and appointment.state != "cancelled":
            return self.env._("The appointment is no longer cancelled.")
        if self.kind == "no_show" and appointment.state != "no_show":
            return self.env._("The appointment is no longer a no-show.")
        return False

    def _by_email(self):
        partner = self.appointment_id.partner_id
        return bool(partner.email) and not partner.is_blacklisted

    def _by_sms(self):
        appointment = self.appointment_id
        partner = appointment.partner_id
        return appointment.location_id.sms_enabled and bool(partner.mobile or partner.phone)

    def _sms_text(self):
        appointment = self.appointment_id
        values = {
            "service": appointment.service_id.name, "when": appointment._local_start_label(),
            "location": appointment.location_id.name, "clinic": appointment.company_id.name,
        }
        texts = {
            "confirmation": self.env._("%(clinic)s: %(service)s booked for %(when)s at %(location)s.", **values),
            "reminder": self.env._("%(clinic)s reminder: %(service)s on %(when)s at %(location)s.", **values),
            "reschedule": self.env._("%(clinic)s: your %(service)s is moved to %(when)s at %(location)s.", **values),
            "cancellation": self.env._("%(clinic)s: your %(service)s on %(when)s is cancelled.", **values),
            "no_show": self.env._("%(clinic)s: we missed you on %(when)s. Call us to book again.", **values),
        }
        return texts[self.kind]

    def _send(self):
        self.ensure_one()
        reason = self._skip_reason()
        if reason:
            self.write({"state": "skipped", "note": reason})
            return
        appointment = self.appointment_id
        if self._by_sms():
            # Queued in Odoo's SMS queue, sent by its own job with the clinic's SMS credits.
            appointment.with_context(lang=appointment.partner_id.lang)._message_sms(
                self._sms_text(), partner_ids=appointment.partner_id.ids, put_in_queue=True,
            )
        if not self._by_email():
            self.write({"state": "sent", "sent_at": fields.Datetime.now(), "note": self.env._("By SMS only.")})
            return
        template = self.env.ref(f"clinic_scheduling.mail_template_appointment_{self.kind}")
        attachments = self.env["ir.attachment"]
        if self.kind in WITH_ICS:
            attachments = attachments.create({
                "name": "appointment.ics", "mimetype": "text/calendar",
                "raw": appointment._ics(cancel=self.kind == "cancellation"),
                "res_model": appointment._name, "res_id": appointment.id,
            })
        appointment.with_context(lang=appointment.partner_id.lang).message_post_with_source(
            template, message_type="comment", subtype_xmlid="clinic_scheduling.mt_appointment_client_message",
            attachment_ids=attachments.ids, partner_ids=appointment.partner_id.ids,
        )
        self.write({"state": "sent", "sent_at": fields.Datetime.now()})
