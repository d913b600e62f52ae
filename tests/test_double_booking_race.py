"""Two front-desk users book the same provider (or room) at the same moment: exactly one wins.

Each booking runs in its own thread with its own database cursor and transaction. Both take their
snapshot before either writes (so the Python pre-check of each sees a free slot), then are released
together by a barrier: only PostgreSQL's exclusion constraint can stop the second one.
"""
import threading
from datetime import timedelta

from odoo import api
from odoo.exceptions import ValidationError
from odoo.service.model import retrying


def race(registry, user_id, vals_list):
    barrier = threading.Barrier(len(vals_list), timeout=30)
    results = [None] * len(vals_list)

    def book(index, vals):
        with registry.cursor() as cr:
            env = api.Environment(cr, user_id, {"tracking_disable": True})
            cr.execute("SELECT count(*) FROM clinic_appointment")  # the snapshot is taken here
            barrier.wait()
            try:
                # The same wrapper Odoo's RPC layer uses: commit, or a user-facing ValidationError.
                record = retrying(lambda: env["clinic.appointment"].create(vals), env)
                results[index] = ("committed", record.id)
            except ValidationError as error:
                results[index] = ("refused", str(error))

    threads = [threading.Thread(target=book, args=(i, vals)) for i, vals in enumerate(vals_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a booking thread hung"
    return results


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
