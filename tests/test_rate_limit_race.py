"""Simultaneous requests of one visitor (an office behind one address, a site calling the public
API) each count in the rate limit, without waiting for one another and without failing to
serialize: the counter is written in a short transaction of its own (clinic.rate.limit._hit)."""
import threading
import uuid
from datetime import datetime

import odoo
from concurrency import in_parallel

VISITS = 12


def test_simultaneous_requests_of_one_visitor_all_count_and_none_waits(registry):
    key = f"race-{uuid.uuid4().hex[:12]}"
    now = datetime(2031, 1, 1, 10, 0, 5)
    # Each request holds its transaction open until every one of them has been counted, as
    # simultaneous requests do: a counter locked until the end of its request would make the
    # others wait for it here, and the barrier would break.
    counted = threading.Barrier(VISITS, timeout=20)

    def request(env):
        retry = env["clinic.rate.limit"]._hit("availability", key, now)
        counted.wait()
        return retry

    try:
        results = in_parallel(registry, odoo.SUPERUSER_ID, [request] * VISITS)
        assert [outcome for outcome, _value in results] == ["ok"] * VISITS, results
        assert [value for _outcome, value in results] == [0] * VISITS, "within the limit of 120 a minute"
        with registry.cursor() as cr:
            cr.execute("SELECT count FROM clinic_rate_limit WHERE key = %s", [key])
            assert cr.fetchall() == [(VISITS,)], "every request counted once, in one counter"
    finally:
        with registry.cursor() as cr:
            cr.execute("DELETE FROM clinic_rate_limit WHERE key = %s", [key])
