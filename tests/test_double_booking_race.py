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


def test_same_provider_same_time_only_one_commits(registry, clinic):
    base = {
        "service_id": clinic["service"], "provider_id": clinic["providers"][0],
        "location_id": clinic["location"],
    }
    results = race(registry, clinic["frontdesk"], [
        dict(base, partner_id=clinic["clients"][0], room_id=clinic["rooms"][0], start=clinic["start"]),
        # 30 minutes later: overlaps the first (45 min + 15 min clean-up).
        dict(base, partner_id=clinic["clients"][1], room_id=clinic["rooms"][1],
             start=clinic["start"] + timedelta(minutes=30)),
    ])
    outcomes = sorted(result[0] for result in results)
    assert outcomes == ["committed", "refused"], results
    refusal = next(result[1] for result in results if result[0] == "refused")
    assert "provider was booked for an overlapping time" in refusal
    assert count_active(registry, clinic["location"]) == 1


def test_same_room_two_providers_only_one_commits(registry, clinic):
    base = {"service_id": clinic["service"], "location_id": clinic["location"], "room_id": clinic["rooms"][0]}
    results = race(registry, clinic["frontdesk"], [
        dict(base, partner_id=clinic["clients"][0], provider_id=clinic["providers"][0], start=clinic["start"]),
        dict(base, partner_id=clinic["clients"][1], provider_id=clinic["providers"][1],
             start=clinic["start"] + timedelta(minutes=15)),
    ])
    assert sorted(result[0] for result in results) == ["committed", "refused"], results
    refusal = next(result[1] for result in results if result[0] == "refused")
    assert "room was booked for an overlapping time" in refusal
    assert count_active(registry, clinic["location"]) == 1


def test_back_to_back_bookings_both_commit(registry, clinic):
    """The constraint refuses overlaps only: adjacent buffered intervals race without a loser."""
    base = {
        "service_id": clinic["service"], "provider_id": clinic["providers"][0],
        "location_id": clinic["location"],
    }
    results = race(registry, clinic["frontdesk"], [
        dict(base, partner_id=clinic["clients"][0], room_id=clinic["rooms"][0], start=clinic["start"]),
        dict(base, partner_id=clinic["clients"][1], room_id=clinic["rooms"][1],
             start=clinic["start"] + timedelta(minutes=60)),
    ])
    assert [result[0] for result in results] == ["committed", "committed"], results
    assert count_active(registry, clinic["location"]) == 2
