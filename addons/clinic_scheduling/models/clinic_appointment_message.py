import logging


from odoo import api, fields, models, modules
from odoo.tools import SQL

from .clinic_appointment import OPEN_STATES
from .clinic_message_rule import APPOINTMENT_KINDS

_logger = logging.getLogger(__name__)

WITH_ICS = ("confirmation", "reschedule", "cancellation")


class ClinicAppointmentMessage(models.Model):
    """Messages to clients about their appointments, queued by the booking and sent by a scheduled
    job: never inside the booking transaction, never twice (one row per appointment, message rule
    and key), and skipped with a reason when they no longer apply, their rule was switched off or
    the client opted out. What is written comes from the rule's templates when the row is sent."""

    _name = "clinic.appointment.message"
    _description = "Appointment Message"
    _order = "scheduled_at, id"

    appointment_id = fields.Many2one("clinic.appointment", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="appointment_id.partner_id")
    company_id = fields.Many2one(related="appointment_id.company_id", store=True)
    rule_id = fields.Many2one("clinic.message.rule", string="Message", required=True, index=True, ondelete="restrict")
    kind = fields.Selection(APPOINTMENT_KINDS, required=True)
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
        ("once", "unique (appointment_id, rule_id, key)", "This message was already queued for this appointment."),
    ]

    @api.model
    def _queue(self, rows):
        """Queue ``(appointment, rule, key, when)`` messages; one already queued is left as it is.

        Plain SQL for ``ON CONFLICT DO NOTHING``: the queue is the system's, written as a side
        effect of a booking the caller was allowed to make, and a duplicate must not abort it.
        """
        if not rows:
            return
        now, uid = fields.Datetime.now(), self.env.uid
        values = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, %s, 'pending', %s, %s, %s, %s)",
                appointment.id, appointment.company_id.id, rule.id, rule.kind, key, when, uid, now, uid, now)
            for appointment, rule, key, when in rows
        )
        self.env.cr.execute(SQL(
            """
            INSERT INTO clinic_appointment_message
                   (appointment_id, company_id, rule_id, kind, key, scheduled_at, state, create_uid,
                    create_date, write_uid, write_date)
            VALUES %s
            ON CONFLICT (appointment_id, rule_id, key) DO NOTHING
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
        if not self.rule_id.active or not self.rule_id._sends():
            return self.env._("This message is switched off.")
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
        return self.rule_id._channels(self.appointment_id.partner_id, self.appointment_id.location_id)[0]

    def _by_sms(self):
        return self.rule_id._channels(self.appointment_id.partner_id, self.appointment_id.location_id)[1]

    def _send(self):
        self.ensure_one()
        reason = self._skip_reason()
        if reason:
            self.write({"state": "skipped", "note": reason})
            return
        rule, appointment = self.rule_id, self.appointment_id
        if self._by_sms():
            rule._post_sms(appointment, appointment.partner_id)
        if not self._by_email():
            self.write({"state": "sent", "sent_at": fields.Datetime.now(), "note": self.env._("By SMS only.")})
            return
        attachments = self.env["ir.attachment"]
        if self.kind in WITH_ICS:
            attachments = attachments.create({
                "name": "appointment.ics", "mimetype": "text/calendar",
                "raw": appointment._ics(cancel=self.kind == "cancellation"),
                "res_model": appointment._name, "res_id": appointment.id,
            })
        rule._post_email(appointment, appointment.partner_id, "clinic_scheduling.mt_appointment_client_message",
                         attachments)
        self.write({"state": "sent", "sent_at": fields.Datetime.now()})
