"""Two clients accept the same freed time from the waitlist at the same moment.

Each acceptance runs in its own thread with its own cursor and transaction, both snapshots taken
before either books, released together by a barrier. ``_book_slot`` makes the second one wait for
the first, then turns the conflict into ``SlotTaken`` under a savepoint: exactly one appointment,
and the other offer is marked taken (its transaction goes on and commits that) with its client
told and back on the waitlist.
"""
from datetime import timedelta

import pytest
from concurrency import in_parallel

import odoo
from odoo import api


@pytest.fixture
def offers(registry, clinic):
    """Two waitlist entries (one per client) offered the same slot."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        clients = env["res.partner"].browse(clinic["clients"])
        clients.write({"email": "waiting@example.com"})
        entries = env["clinic.waitlist"].create([{
            "partner_id": client.id, "service_id": clinic["service"], "location_id": clinic["location"],
            "date_from": clinic["start"].date() - timedelta(days=1), "date_to": clinic["start"].date(),
            "state": "offered",
        } for client in clients])
        start = clinic["start"]
        offer_ids = env["clinic.waitlist.offer"].create([{
            "waitlist_id": entry.id, "start": start, "stop": start + timedelta(minutes=45),
            "provider_id": clinic["providers"][0], "location_id": clinic["location"],
            "room_id": clinic["rooms"][0], "expires_at": start,
        } for entry in entries]).ids
    yield offer_ids
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        entries = env["clinic.waitlist.offer"].browse(offer_ids).waitlist_id
        cr.execute("DELETE FROM mail_message WHERE model = 'clinic.waitlist' AND res_id = ANY(%s)", [entries.ids])
        cr.execute("DELETE FROM clinic_waitlist_offer WHERE id = ANY(%s)", [offer_ids])
        cr.execute("DELETE FROM clinic_waitlist WHERE id = ANY(%s)", [entries.ids])


def accept_both(registry, user_id, offer_ids):
    """Accept the offers at the same moment, as the web client would: ("answered", action) or ("error", ...)."""
    results = in_parallel(registry, user_id, [
        lambda env, offer_id=offer_id: env["clinic.waitlist.offer"].browse(offer_id).action_accept()
        for offer_id in offer_ids
    ])
    return [("answered", value) if status == "ok" else ("error", repr(value)) for status, value in results]


def test_two_acceptances_of_the_same_time_one_appointment_the_other_told(registry, clinic, offers):
    results = accept_both(registry, clinic["frontdesk"], offers)
    assert [result[0] for result in results] == ["answered", "answered"], results
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        appointments = env["clinic.appointment"].search([("location_id", "=", clinic["location"])])
        assert len(appointments) == 1
        assert appointments.source == "waitlist"
        offer_records = env["clinic.waitlist.offer"].browse(offers)
        assert sorted(offer_records.mapped("state")) == ["accepted", "taken"]
        winner = offer_records.filtered(lambda o: o.state == "accepted")
        loser = offer_records - winner
        assert winner.appointment_id == appointments
        assert winner.waitlist_id.state == "booked"
        assert loser.waitlist_id.state == "waiting", "back on the waitlist"
        told = loser.waitlist_id.message_ids.filtered(
            lambda m: loser.partner_id in m.partner_ids and "was taken" in (m.subject or "")
        )
        assert len(told) == 1, "the client whose offer was taken is told"
        staff_answer = results[offers.index(loser.id)][1]
        assert staff_answer["tag"] == "display_notification", staff_answer
