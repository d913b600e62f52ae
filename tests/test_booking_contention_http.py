"""Fifty clients of the front desk's integrations book the same slot at the same moment, over
JSON-RPC, against Odoo serving with several worker processes (the deployment setup).

``_book_slot`` serialises competing bookings of one provider and one room (transaction locks
taken in a fixed order), so the requests queue instead of deadlocking: exactly one appointment,
every other caller gets ``SlotTaken`` with the next free times, no HTTP 500, no deadlock. (The
latency target, p95 under 2 s for 50, is measured by ``make bench``.)
"""
import json
import os
import statistics
import threading
import time
import uuid
from datetime import timedelta

import pytest
import requests
from odoo_server import odoo_server

import odoo
from odoo import api

ATTEMPTS = 50
WORKERS = int(os.environ.get("CLINIC_TEST_WORKERS") or 5)


@pytest.fixture(scope="module")
def server():
    """Odoo serving the test database with several workers (prefork), on free ports."""
    with odoo_server(WORKERS, "test-workers.log") as (url, log):
        yield {"url": url, "log": log}


@pytest.fixture
def crowd(registry, clinic):
    """The clinic's service needs a room; fifty clients; the first free slot of provider 1."""
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        service = env["clinic.service"].browse(clinic["service"])
        service.room_required = True
        env["clinic.provider"].browse(clinic["providers"]).location_ids = env["clinic.location"].browse(
            clinic["location"])
        clients = env["res.partner"].create([{"name": f"Crowd {tag} {i}"} for i in range(ATTEMPTS)])
        slots = service._get_available_slots(
            clinic["start"], clinic["start"] + timedelta(days=14), provider_ids=clinic["providers"][:1],
            location_id=clinic["location"], online=False,
        )
        assert slots, "the race clinic offers free time"
        slot = slots[0]
    yield {"clients": clients.ids, "slot": slot}
    with registry.cursor() as cr:
        cr.execute("DELETE FROM clinic_appointment WHERE partner_id = ANY(%s)", [clients.ids])
        api.Environment(cr, odoo.SUPERUSER_ID, {})["res.partner"].browse(clients.ids).unlink()


def login(url):
    session = requests.Session()
    answer = session.post(f"{url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"db": odoo.tools.config["db_name"], "login": "frontdesk", "password": "frontdesk"},
    }, timeout=30)
    assert answer.status_code == 200 and "error" not in answer.json(), answer.text
    return session.cookies


def test_fifty_simultaneous_bookings_of_one_slot(server, clinic, crowd, registry):
    log_path = server["log"]
    server = server["url"]
    cookies = login(server)
    slot = crowd["slot"]
    barrier = threading.Barrier(ATTEMPTS, timeout=60)
    results = [None] * ATTEMPTS

    def book(index):
        payload = {"jsonrpc": "2.0", "method": "call", "id": index, "params": {
            "model": "clinic.appointment", "method": "book_slot",
            "args": [clinic["service"], crowd["clients"][index], slot["start"].strftime("%Y-%m-%d %H:%M:%S"),
                     slot["provider_id"]],
            "kwargs": {"location_id": slot["location_id"], "room_id": slot["room_id"]},
        }}
        barrier.wait()
        started = time.monotonic()
        answer = requests.post(f"{server}/web/dataset/call_kw", data=json.dumps(payload), cookies=cookies,
                               headers={"Content-Type": "application/json"}, timeout=120)
        results[index] = (answer.status_code, answer.json() if answer.status_code == 200 else answer.text,
                          time.monotonic() - started)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert all(result for result in results), "a request never came back"

    statuses = [status for status, _body, _seconds in results]
    assert statuses.count(200) == ATTEMPTS, f"HTTP errors: {[r for r in results if r[0] != 200][:3]}"
    booked = [body["result"] for _status, body, _seconds in results if "result" in body]
    refused = [body["error"]["data"] for _status, body, _seconds in results if "error" in body]
    assert len(booked) == 1, booked
    assert len(refused) == ATTEMPTS - 1
    for error in refused:
        assert error["name"] == "odoo.addons.clinic_scheduling.exceptions.SlotTaken", error
        assert "Next free times:" in error["message"], error["message"]
    # How long they took is reported here and checked by `make bench` (its p95 target), not
    # asserted in a test that shares the machine with everything else.
    durations = sorted(seconds for _status, _body, seconds in results)
    p95 = durations[int(0.95 * len(durations)) - 1]
    print(f"\n{ATTEMPTS} simultaneous bookings: p50 {statistics.median(durations):.2f}s, p95 {p95:.2f}s, "
          f"max {durations[-1]:.2f}s")

    with registry.cursor() as cr:
        cr.execute(
            """SELECT count(*) FROM clinic_appointment a JOIN clinic_appointment b ON a.id < b.id
                WHERE (a.provider_id = b.provider_id OR a.room_id = b.room_id)
                  AND tsrange(a.busy_start, a.busy_stop) && tsrange(b.busy_start, b.busy_stop)
                  AND a.state != 'cancelled' AND b.state != 'cancelled'
                  AND a.partner_id = ANY(%s) AND b.partner_id = ANY(%s)""",
            [crowd["clients"], crowd["clients"]],
        )
        assert cr.fetchone()[0] == 0, "no overlapping pair"
        cr.execute("SELECT count(*) FROM clinic_appointment WHERE partner_id = ANY(%s)", [crowd["clients"]])
        assert cr.fetchone()[0] == 1
    log = log_path.read_text(errors="replace")
    assert "Traceback" not in log and "deadlock" not in log.lower(), log[-3000:]
