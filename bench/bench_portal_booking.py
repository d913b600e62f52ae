#!/usr/bin/env python3
"""Online booking benchmark (make bench): the website's booking POST (/book/confirm), one visitor
after the other and in a burst on one slot (issue #12, point 8; targets: p95 <= 300 ms, <= 60
queries a booking).

Uses the portal benchmark's clinic (bench_portal.py: `$BENCH_DB_PREFIX_portal`, smoke
`..._portal_smoke`, built by it when missing). Commits a small clinic of its own there: a location
of the website's company with three rooms, a 45-minute service that needs a room (buffers 5 min
before, 10 after), three providers working there 8:00-18:00 every day; deleted afterwards (the
appointments directly: they are never deleted through the ORM), also what an interrupted run left.
Every visitor is anonymous, with its own session and its own address (X-Forwarded-For behind
--proxy-mode, as a proxy sends it); it opens the details page of its time (CSRF token, session
cookie; not measured), then POSTs the confirmation with its name, email, phone and birth date.
The per-visitor rate limits are raised for the run and put back afterwards.

1. Sequential: Odoo with 2 x cores + 1 workers; after 4 x workers bookings to warm the workers
   (not measured), 50 visitors (smoke 5) book distinct free times one after the other. Reported:
   latency p50, p95, max of the POST (target p95 <= 300 ms, the redirect to the confirmation page
   included, not following it), and the queries each POST ran, counted by the server: Odoo counts
   every query of a request's thread (odoo/http.py sets ``query_count``, odoo/sql_db.py adds one
   per execute) and its access log line ends with that count (odoo/netsvc.py, PerfFilter), logged
   here with --log-handler=werkzeug:INFO; each line is matched to its visitor by address
   (target: at most 60 queries a booking; min, median and max are reported, the max may be a
   worker's first booking, with its caches still empty).
2. Burst: Odoo with one worker per 8 simultaneous connections (Odoo's listen backlog, see
   bench_booking_contention.py); 200 visitors (smoke 20), each ready on its details page, POST
   the same time with the same provider together (a barrier). Reported: statuses, how many were
   booked (exactly one: a 303 to the confirmation page) and refused (all the others: the "just
   taken" page with other times, 200), latency p50, p95, max.

Writes bench/results/portal_booking.json (-smoke.json); exits non-zero on an unexpected answer
(another status, a reset connection, other than one booking in the burst), two active
appointments of a provider or a room that overlap (SQL), a traceback in the server's log, a POST
without a query count, or (not in smoke) a missed target.
"""
import json
import os
import platform
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytz
import requests

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo18")
sys.path.insert(0, str(ODOO_PATH))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

import odoo  # noqa: E402
from bench_availability import PREFIX, parse_args, results_path  # noqa: E402
from bench_booking_contention import LOG  # noqa: E402
from bench_portal import ensure_database, portal_server, proxy_headers  # noqa: E402
from odoo_workers import deployed_workers, workers_for  # noqa: E402
from odoo import Command  # noqa: E402

TARGET_P95_MS = 300
TARGET_QUERIES = 60
SEQUENTIAL = {"bench": 50, "smoke": 5}
BURST = {"bench": 200, "smoke": 20}
NAME = "Portal booking bench"
TZ = "America/Toronto"
RATE_PARAMS = ("clinic_portal.rate_limit.booking", "clinic_portal.rate_limit.availability")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TAKEN = "this time was just taken"
ACTIVE_STATES = ("booked", "confirmed", "arrived", "in_session", "done")
# The access log line of a confirmation: address ... "POST /book/confirm HTTP/1.1" status - queries time time
ACCESS = re.compile(r' werkzeug: (\S+) - - \[[^]]*\] "POST /book/confirm HTTP/1\.1" (\d+) \S+ (\d+) ')


def environment(cr):
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "active_test": False})


def remove_bench_data(env):
    """Delete what this benchmark created (this run's, or an interrupted run's); return how many
    appointments."""
    locations = env["clinic.location"].search([("name", "=", f"{NAME} location")])
    env.cr.execute("SELECT id FROM clinic_appointment WHERE location_id = ANY(%s)", [locations.ids])
    appointment_ids = [row[0] for row in env.cr.fetchall()]
    if appointment_ids:
        env.cr.execute("DELETE FROM mail_message WHERE model = 'clinic.appointment' AND res_id = ANY(%s)",
                       [appointment_ids])
        env.cr.execute("DELETE FROM mail_followers WHERE res_model = 'clinic.appointment' AND res_id = ANY(%s)",
                       [appointment_ids])
        env.cr.execute("DELETE FROM clinic_appointment WHERE id = ANY(%s)", [appointment_ids])
    env.cr.execute("DELETE FROM clinic_rate_limit WHERE key LIKE '10.9.%%'")
    env.invalidate_all()
    # The clients the booking flow created, named after the visitors.
    env["res.partner"].search([("name", "=like", f"{NAME} visitor %")]).unlink()
    providers = env["clinic.provider"].search([("name", "=like", f"{NAME} provider %")])
    rooms = env["clinic.room"].search([("name", "=like", f"{NAME} room %")])
    resources = providers.resource_id | rooms.resource_id
    providers.unlink()
    rooms.unlink()
    resources.exists().unlink()
    env["clinic.service"].search([("name", "=", f"{NAME} visit")]).unlink()
    locations.unlink()
    env["resource.calendar"].search([("name", "=", f"{NAME} hours")]).unlink()
    return len(appointment_ids)


def create_bench_data(env):
    company = env.ref("website.default_website").company_id
    location = env["clinic.location"].create({"name": f"{NAME} location", "tz": TZ, "company_id": company.id})
    rooms = env["clinic.room"].create([{"name": f"{NAME} room {i}", "location_id": location.id} for i in range(3)])
    service = env["clinic.service"].create({
        "name": f"{NAME} visit", "duration": 45, "buffer_before": 5, "buffer_after": 10, "slot_interval": 15,
        "room_required": True, "min_notice_hours": 0, "horizon_days": 365, "online_bookable": True,
        "new_clients_allowed": True, "company_id": company.id, "location_ids": [Command.set(location.ids)],
    })
    calendar = env["resource.calendar"].create({
        "name": f"{NAME} hours", "tz": TZ, "company_id": company.id,
        "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 8, "hour_to": 18,
                                           "clinic_location_id": location.id}) for d in range(7)],
    })
    providers = env["clinic.provider"].create([{
        "name": f"{NAME} provider {i}", "resource_calendar_id": calendar.id, "tz": TZ, "company_id": company.id,
        "online_bookable": True, "service_ids": [Command.set(service.ids)],
        "location_ids": [Command.set(location.ids)],
    } for i in range(3)])
    return {"location": location.id, "rooms": rooms.ids, "service": service.id, "providers": providers.ids}


def local_time(day, hour):
    """``hour``:00 on ``day`` at the bench clinic, as naive UTC."""
    return pytz.timezone(TZ).localize(datetime(day.year, day.month, day.day, hour)).astimezone(
        pytz.utc).replace(tzinfo=None)


class Visitor:
    """An anonymous website visitor: own session and address, one time with one provider."""

    def __init__(self, url, data, index, provider, start):
        self.url, self.index, self.start, self.provider = url, index, start, provider
        self.session = requests.Session()
        self.address = f"10.9.{index // 250}.{index % 250 + 1}"
        self.headers = proxy_headers(url, self.address)
        self.choice = {"location": data["location"], "service": data["service"], "provider": provider}
        self.slot = f"{start:%Y-%m-%dT%H:%M}_{provider}"
        self.csrf = None

    def open_details(self):
        page = self.session.get(f"{self.url}/book", params={**self.choice, "slot": self.slot},
                                headers=self.headers, timeout=120)
        if page.status_code != 200 or "no longer free" in page.text or not CSRF.search(page.text):
            raise RuntimeError(f"details page of {self.slot}: {page.status_code} {page.text[:300]}")
        self.csrf = CSRF.search(page.text)[1]

    def confirm(self):
        """POST the confirmation; (status, body, seconds), status None when no answer came."""
        data = {**self.choice, "csrf_token": self.csrf, "slot": self.slot, "name": f"{NAME} visitor {self.index}",
                "email": f"bench.visitor.{self.index}@example.com", "phone": "+1 416 555 0123",
                "birthdate": "1990-02-03"}
        began = time.perf_counter()
        try:
            answer = self.session.post(f"{self.url}/book/confirm", data=data, headers=self.headers,
                                       allow_redirects=False, timeout=600)
            return answer.status_code, answer.text, time.perf_counter() - began
        except requests.RequestException as error:
            return None, f"{type(error).__name__}: {error}", time.perf_counter() - began


def percentiles(seconds):
    ms = sorted(1000 * s for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(p95, 1), "max_ms": round(ms[-1], 1)}


def overlaps(env, data):
    """Pairs of active appointments of the bench's providers or rooms whose buffered times overlap."""
    env.cr.execute(
        """SELECT count(*) FROM clinic_appointment a JOIN clinic_appointment b ON a.id < b.id
            WHERE (a.provider_id = b.provider_id OR a.room_id = b.room_id)
              AND tsrange(a.busy_start, a.busy_stop) && tsrange(b.busy_start, b.busy_stop)
              AND a.state IN %s AND b.state IN %s
              AND (a.provider_id = ANY(%s) OR a.room_id = ANY(%s))""",
        [ACTIVE_STATES, ACTIVE_STATES, data["providers"], data["rooms"]],
    )
    return env.cr.fetchone()[0]


def sequential(db, data, count, day):
    """Warm-up bookings, then ``count`` visitors book distinct free times one after the other."""
    workers = deployed_workers()
    # Warm-up bookings, so that every worker has most likely booked once (a worker's first booking
    # fills its caches: about 30 more queries); which worker takes a connection is the kernel's choice.
    warm = 4 * workers
    # Distinct times: each provider's hours 9:00 to 16:00 (an hour apart: no overlap in a room,
    # three rooms for three providers), day after day.
    times = [(data["providers"][i % 3], local_time(day + timedelta(days=i // 24), 9 + (i // 3) % 8))
             for i in range(warm + count)]
    with portal_server(db, workers, "--log-handler=werkzeug:INFO") as url:
        visitors = [Visitor(url, data, i, provider, start) for i, (provider, start) in enumerate(times)]
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(Visitor.open_details, visitors))
        results = []
        for visitor in visitors:
            results.append(visitor.confirm())
    log = LOG.read_text(errors="replace")
    queries = {address: (int(status), int(count)) for address, status, count in ACCESS.findall(log)}
    measured = list(zip(visitors[warm:], results[warm:], strict=True))
    counts = [queries.get(visitor.address, (None, None))[1] for visitor, _result in measured]
    statuses = {}
    for _status, _text, _s in results:
        statuses[str(_status)] = statuses.get(str(_status), 0) + 1
    return {
        "workers": workers, "warm_up_bookings": warm, "bookings": count, "statuses": statuses,
        **percentiles([seconds for _visitor, (_st, _text, seconds) in measured]),
        "queries_per_post": {"min": min(c for c in counts if c is not None) if any(counts) else None,
                             "median": statistics.median(c for c in counts if c is not None) if any(counts) else None,
                             "max": max(c for c in counts if c is not None) if any(counts) else None,
                             "uncounted": counts.count(None)},
        "tracebacks_in_log": log.count("Traceback"),
        "ok": set(statuses) == {"303"} and None not in counts and "Traceback" not in log,
    }


def burst(db, data, count, day):
    """``count`` visitors, each on the details page of the same time, POST it together."""
    workers = workers_for(count, minimum=deployed_workers())
    start = local_time(day, 10)
    with portal_server(db, workers) as url:
        # Addresses after the sequential visitors' (the counters of the rate limits are per address).
        visitors = [Visitor(url, data, 1000 + i, data["providers"][0], start) for i in range(count)]
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(Visitor.open_details, visitors))
        barrier = threading.Barrier(count, timeout=120)
        results = [None] * count

        def attempt(visitor, index):
            barrier.wait()
            results[index] = visitor.confirm()

        threads = [threading.Thread(target=attempt, args=(visitor, i)) for i, visitor in enumerate(visitors)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    log = LOG.read_text(errors="replace")
    statuses = {}
    for status, _text, _s in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    booked = sum(status == 303 for status, _text, _s in results)
    refused = sum(status == 200 and TAKEN in text for status, text, _s in results)
    other = [f"{status}: {text[:200]}" for status, text, _s in results
             if status != 303 and not (status == 200 and TAKEN in text)]
    return {
        "workers": workers, "requests": count, "wall_s": round(wall, 2), "statuses": statuses, "booked": booked,
        "refused_just_taken": refused, "other_answers": other[:5], **percentiles([s for _st, _t, s in results]),
        "refused_by_exclusion_constraint": log.count("violates exclusion constraint"),
        "tracebacks_in_log": log.count("Traceback"),
        "ok": booked == 1 and refused == count - 1 and "Traceback" not in log,
    }


def set_params(db, value=None, saved=None):
    """Raise the rate limits (``value``), or put ``saved`` back; return what they were."""
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        params = environment(cr)["ir.config_parameter"]
        before = {name: params.get_param(name) for name in RATE_PARAMS}
        for name in RATE_PARAMS:
            params.set_param(name, (saved[name] if saved else value) or False)
        return before


def main():
    args = parse_args(__doc__)
    size = "smoke" if args.smoke else "bench"
    db = f"{PREFIX}_portal{'_smoke' if args.smoke else ''}"
    ensure_database(db, args.smoke, args.rebuild)
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = environment(cr)
        if env["ir.config_parameter"].get_param("recaptcha_private_key"):
            sys.exit(f"{db} has a reCAPTCHA key: the benchmark's visitors cannot pass it.")
        leftover = remove_bench_data(env)
        if leftover:
            print(f"  removed {leftover} appointments left by an interrupted run")
        data = create_bench_data(env)
    saved = set_params(db, "1000000/60")
    load_before = os.getloadavg()
    first_day = datetime.utcnow().date() + timedelta(days=2)
    try:
        seq = sequential(db, data, SEQUENTIAL[size], first_day + timedelta(days=1))
        bst = burst(db, data, BURST[size], first_day)
        with registry.cursor() as cr:
            overlapping = overlaps(environment(cr), data)
    finally:
        set_params(db, saved=saved)
        with registry.cursor() as cr:
            remove_bench_data(environment(cr))
    report = {
        "measured_at": datetime.utcnow().isoformat(timespec="seconds") + "Z", "smoke": args.smoke, "database": db,
        "machine": {"node": platform.node(), "cpus": os.cpu_count(),
                    "load_average_before": [round(v, 2) for v in load_before],
                    "load_average_after": [round(v, 2) for v in os.getloadavg()]},
        "sequential": seq, "burst": bst, "overlapping_pairs": overlapping,
        "targets": {"p95_ms": TARGET_P95_MS, "queries_per_post": TARGET_QUERIES},
    }
    out = results_path("portal_booking", args.smoke)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    q = seq["queries_per_post"]
    print(f"Booking POST, {seq['bookings']} visitors one after the other, {seq['workers']} workers: "
          f"p50 {seq['p50_ms']} ms, p95 {seq['p95_ms']} ms (target <= {TARGET_P95_MS}), max {seq['max_ms']} ms; "
          f"queries a POST {q['min']}-{q['max']} (median {q['median']}, target <= {TARGET_QUERIES}); "
          f"statuses {seq['statuses']}", flush=True)
    print(f"Burst of {bst['requests']} on one time, {bst['workers']} workers: {bst['booked']} booked, "
          f"{bst['refused_just_taken']} 'just taken', other {len(bst['other_answers'])}; p50 {bst['p50_ms']} ms, "
          f"p95 {bst['p95_ms']} ms, max {bst['max_ms']} ms; statuses {bst['statuses']}; overlapping pairs "
          f"{overlapping}; load average {report['machine']['load_average_before'][0]} before, "
          f"{report['machine']['load_average_after'][0]} after", flush=True)
    failed = not (seq["ok"] and bst["ok"]) or overlapping
    if not args.smoke and (seq["p95_ms"] > TARGET_P95_MS or (q["max"] or 0) > TARGET_QUERIES):
        failed = True
    print(f"Written to {out.relative_to(ROOT)}{' — FAILED' if failed else ''}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
