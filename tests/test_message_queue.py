"""A client message is sent once even when the job dies between taking it and committing.

The booking commits its queued messages; the job then writes each message (the email, or the SMS
in Odoo's SMS queue) and marks it sent in one transaction. If the worker dies before that commit,
nothing of it happened: the next run sends it, once. Real transactions on the committed test
database (DESIGN.md, Testing races).
"""
import pytest

import odoo
from odoo import api

# Emails stay in Odoo's mail queue (they are counted there instead of being handed to a server).
CONTEXT = {"tracking_disable": True, "mail_notify_force_send": False}


class WorkerDied(Exception):
    """Stands for the process being killed: its transaction is never committed."""


def posted(env, appointment_id):
    """Confirmation emails of the appointment: (messages posted, emails queued)."""
    messages = env["mail.message"].search([
        ("model", "=", "clinic.appointment"), ("res_id", "=", appointment_id), ("message_type", "=", "comment"),
        ("subject", "like", "Your appointment on"),
    ])
    return len(messages), env["mail.mail"].search_count([("mail_message_id", "in", messages.ids)])


def test_a_crash_before_the_send_commits_sends_nothing_and_the_next_run_sends_once(registry, clinic):
    with registry.cursor() as cr:
        env = api.Environment(cr, clinic["frontdesk"], CONTEXT)
        env["res.partner"].browse(clinic["clients"][0]).sudo().email = "client.one@example.com"
        appointment_id = env["clinic.appointment"].create({
            "service_id": clinic["service"], "location_id": clinic["location"], "partner_id": clinic["clients"][0],
            "provider_id": clinic["providers"][0], "room_id": clinic["rooms"][0], "start": clinic["start"],
        }).id
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        queued = env["clinic.appointment.message"].search([("appointment_id", "=", appointment_id)])
        assert sorted(queued.mapped("kind")) == ["confirmation", "reminder"]
        assert set(queued.mapped("state")) == {"pending"}, "the booking itself sends nothing"
        assert posted(env, appointment_id) == (0, 0)

    with pytest.raises(WorkerDied), registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        message = env["clinic.appointment.message"].search(
            [("appointment_id", "=", appointment_id), ("kind", "=", "confirmation")]
        )
        message._send()
        assert message.state == "sent"
        raise WorkerDied()

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        confirmation = env["clinic.appointment.message"].search(
            [("appointment_id", "=", appointment_id), ("kind", "=", "confirmation")]
        )
        assert confirmation.state == "pending", "the dead worker's send never happened"
        assert posted(env, appointment_id) == (0, 0)
    for _run in range(2):
        with registry.cursor() as cr:
            api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)["clinic.appointment.message"]._cron_send_due()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        confirmation = env["clinic.appointment.message"].browse(confirmation.id)
        assert confirmation.state == "sent"
        assert posted(env, appointment_id) == (1, 1), "sent once"
