"""Two front-desk users book the same provider (or room) at the same moment: exactly one wins.

Each booking runs in its own thread with its own database cursor and transaction. Both take their
snapshot before either writes (so the Python pre-check of each sees a free slot), then are released
together by a barrier: only PostgreSQL's exclusion constraint can stop the second one.
"""
from datetime import timedelta

from concurrency import in_parallel

from odoo.exceptions import ValidationError


def race(registry, user_id, vals_list):
    """Create the appointments of ``vals_list`` at the same moment: ("committed", id) or ("refused", message)."""
    results = in_parallel(registry, user_id, [
        lambda env, vals=vals: env["clinic.appointment"].create(vals).id for vals in vals_list
    ], {"tracking_disable": True})
    outcomes = []
    for status, value in results:
        if status == "error" and not isinstance(value, ValidationError):
            raise value
        outcomes.append(("committed", value) if status == "ok" else ("refused", str(value)))
    return outcomes


def count_active(registry, location_id):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM clinic_appointment WHERE location_id = %s AND state = 'booked'", [location_id]
        )
        return cr.fetchone()[0]


def booking(clinic, index, provider, room, minutes_later):
    """The values of the ``index``-th client's booking, ``minutes_later`` after the clinic's start."""
    return {
        "service_id": clinic["service"], "location_id": clinic["location"],
        "partner_id": clinic["clients"][index], "provider_id": clinic["providers"][provider],
        "room_id": clinic["rooms"][room], "start": clinic["start"] + timedelta(minutes=minutes_later),
    }


def refusal_of(results):
    assert sorted(result[0] for result in results) == ["committed", "refused"], results
    return next(result[1] for result in results if result[0] == "refused")


def test_same_provider_same_time_only_one_commits(registry, clinic):
    # Same provider, other rooms, 30 minutes apart: overlaps the first (45 min + 15 min clean-up).
    results = race(registry, clinic["frontdesk"], [booking(clinic, 0, 0, 0, 0), booking(clinic, 1, 0, 1, 30)])
    assert "provider was booked for an overlapping time" in refusal_of(results)
    assert count_active(registry, clinic["location"]) == 1


def test_same_room_two_providers_only_one_commits(registry, clinic):
    results = race(registry, clinic["frontdesk"], [booking(clinic, 0, 0, 0, 0), booking(clinic, 1, 1, 0, 15)])
    assert "room was booked for an overlapping time" in refusal_of(results)
    assert count_active(registry, clinic["location"]) == 1


def test_back_to_back_bookings_both_commit(registry, clinic):
    """The constraint refuses overlaps only: adjacent buffered intervals race without a loser."""
    results = race(registry, clinic["frontdesk"], [booking(clinic, 0, 0, 0, 0), booking(clinic, 1, 0, 1, 60)])
    assert [result[0] for result in results] == ["committed", "committed"], results
    assert count_active(registry, clinic["location"]) == 2
