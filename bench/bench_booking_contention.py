#!/usr/bin/env python3
"""Booking contention benchmark (make bench): 50, then 200 clients book the same slot at the same
moment (target: p95 <= 2 s for 50; 200 is reported).

Uses the benchmark clinic built by bench_availability.py (`clinic_bench`, or `$BENCH_DB_PREFIX`).
Commits a small set of its own data there (a location, a room, a service that needs a room, a
provider working there every day, 200 clients; a front desk user if the clinic has no demo data),
takes the provider's first free slot from the availability engine, starts Odoo as it is deployed
(prefork workers, no cron worker, free ports, log in .run/bench-workers.log), logs in as the front
desk, warms every worker, then sends 200 simultaneous JSON-RPC `clinic.appointment.book_slot` calls
for that one slot, each for its own client on its own connection, released together by a barrier.

Workers: 2 × cores + 1 (README, deployment), and at least one per 8 simultaneous requests. Odoo's
prefork server listens with a backlog of 8 × workers (fixed in Odoo); when more connections arrive
at once, Linux answers with SYN cookies and resets some of those connections (measured: 34 to 51 of
200 with 5 workers), so a burst of N connections needs N / 8 workers, or a proxy that queues
(README, deployment).

Reports the HTTP statuses, how many were booked (exactly one) and refused with `SlotTaken` and its
next free times (all the others), any other answer, the latency (p50, p95, max; target p95 <= 2 s
for 50), the peak of PostgreSQL connections, the kernel's listen queue and SYN cookie counters,
whether two active appointments of the provider or the room overlap (SQL), and any traceback or
deadlock in the server's log. Writes bench/results/booking_contention.json; exits non-zero on an
HTTP error or a reset connection, a count other than one booking, an answer other than `SlotTaken`
with next free times, an overlap, or a traceback or deadlock in the log. Its data is deleted
afterwards (the appointments directly: they are never deleted through the ORM), also what an
interrupted run left.

Options: --requests N (default: a burst of 50, then one of 200; smoke 20), --workers N. --runs
does not apply: one burst is the measure. --smoke: on the smoke clinic of
`bench_availability.py --smoke`, 20 requests; writes booking_contention-smoke.json.
"""
import json
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo18")
sys.path.insert(0, str(ODOO_PATH))
sys.path.insert(0, str(ROOT / "scripts"))

import odoo  # noqa: E402
from bench_availability import BUILT, SIZES, database_comment, parse_args, results_path  # noqa: E402
from odoo_workers import BACKLOG_PER_WORKER, deployed_workers, odoo_server, workers_for  # noqa: E402
from odoo import Command  # noqa: E402

# Bursts measured: 50 (the target, p95 <= 2 s) and 200 (reported), 20 in the smoke run.
REQUESTS = {"bench": [50, 200], "smoke": [20]}
P95_TARGETS_S = {50: 2.0}
LOG = ROOT / ".run" / "bench-workers.log"
# Everything the benchmark creates is named so (and found again by these names to be deleted).
NAME = "Contention bench"
# The demo front desk login; a benchmark clinic built without demo data gets a user of its own.
DEMO_FRONTDESK = ("clinic_scheduling.user_frontdesk_demo", "frontdesk", "frontdesk")
BENCH_LOGIN = "contention_bench_frontdesk"
SLOT_TAKEN = "odoo.addons.clinic_scheduling.exceptions.SlotTaken"


def add_options(parser):
    parser.add_argument("--requests", type=int, help="simultaneous bookings of the slot (default 200, smoke 20)")
    parser.add_argument("--workers", type=int, help="Odoo HTTP workers (default: 2 x cores + 1, and at least "
                        "requests / 8 so that Odoo's listen backlog, 8 x workers, holds the burst)")


def default_workers(requests_count):
    """2 × cores + 1 (README, deployment), and enough for Odoo's prefork listen backlog (8 per
    worker, not configurable) to hold every simultaneous connection: Linux answers the SYNs that
    find the backlog full with SYN cookies, and some of those connections are then reset instead
    of waiting for a free worker."""
    return workers_for(requests_count, minimum=deployed_workers())


def environment(cr):
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "active_test": False})


def remove_bench_data(env):
    """Delete what this benchmark created (this run's, or an interrupted run's)."""
    locations = env["clinic.location"].search([("name", "=", f"{NAME} location")])
    env.cr.execute("SELECT id FROM clinic_appointment WHERE location_id = ANY(%s)", [locations.ids])
    appointment_ids = [row[0] for row in env.cr.fetchall()]
    if appointment_ids:
        # Appointments are never deleted through the ORM (by design): their chatter and followers
        # go first, the queued client messages follow by ON DELETE CASCADE.
        env.cr.execute("DELETE FROM mail_message WHERE model = 'clinic.appointment' AND res_id = ANY(%s)",
                       [appointment_ids])
        env.cr.execute("DELETE FROM mail_followers WHERE res_model = 'clinic.appointment' AND res_id = ANY(%s)",
                       [appointment_ids])
        env.cr.execute("DELETE FROM clinic_appointment WHERE id = ANY(%s)", [appointment_ids])
    env.invalidate_all()
    env["res.partner"].search([("name", "=like", f"{NAME} client %")]).unlink()
    providers = env["clinic.provider"].search([("name", "=", f"{NAME} provider")])
    rooms = env["clinic.room"].search([("name", "=", f"{NAME} room")])
    resources = providers.resource_id | rooms.resource_id
    providers.unlink()
    rooms.unlink()
    resources.exists().unlink()
    env["clinic.service"].search([("name", "=", f"{NAME} visit")]).unlink()
    locations.unlink()
    env["resource.calendar"].search([("name", "=", f"{NAME} hours")]).unlink()
    users = env["res.users"].search([("login", "=", BENCH_LOGIN)])
    partners = users.partner_id
    users.unlink()
    partners.unlink()
    return len(appointment_ids)


def create_bench_data(env, clients):
    """A location with one room, a service that needs a room, one provider working there from 8:00
    to 18:00 every day, ``clients`` clients, and a front desk login; the provider's first free slot."""
    location = env["clinic.location"].create({"name": f"{NAME} location", "tz": "America/Toronto"})
    room = env["clinic.room"].create({"name": f"{NAME} room", "location_id": location.id})
    service = env["clinic.service"].create({
        "name": f"{NAME} visit", "duration": 45, "buffer_after": 15, "slot_interval": 15, "room_required": True,
        "min_notice_hours": 0, "horizon_days": 365,
    })
    calendar = env["resource.calendar"].create({
        "name": f"{NAME} hours", "tz": location.tz,
        "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 8, "hour_to": 18,
                                           "clinic_location_id": location.id}) for d in range(7)],
    })
    provider = env["clinic.provider"].create({
        "name": f"{NAME} provider", "resource_calendar_id": calendar.id, "tz": location.tz,
        "service_ids": [Command.set(service.ids)], "location_ids": [Command.set(location.ids)],
    })
    partners = env["res.partner"].create([{"name": f"{NAME} client {i}"} for i in range(clients)])
    frontdesk = env.ref(DEMO_FRONTDESK[0], raise_if_not_found=False)
    if frontdesk and frontdesk.active:
        login = DEMO_FRONTDESK[1:]
    else:
        # Built without demo data: a front desk user of the benchmark's own (deleted afterwards).
        env["res.users"].create({
            "name": f"{NAME} front desk", "login": BENCH_LOGIN, "password": BENCH_LOGIN,
            "groups_id": [Command.set([env.ref("base.group_user").id,
                                       env.ref("clinic_scheduling.group_clinic_frontdesk").id])],
        })
        login = (BENCH_LOGIN, BENCH_LOGIN)
    start = datetime.combine(datetime.utcnow().date() + timedelta(days=1), datetime.min.time())
    slots = service._get_available_slots(start, start + timedelta(days=14), provider_ids=provider.ids,
                                         location_id=location.id, online=False)
    if not slots:
        sys.exit("The benchmark's provider has no free slot: nothing to book.")
    return {"service": service.id, "provider": provider.id, "room": room.id, "location": location.id,
            "clients": partners.ids, "slot": slots[0], "login": login}


def login(url, db, credentials):
    session = requests.Session()
    answer = session.post(f"{url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"db": db, "login": credentials[0], "password": credentials[1]},
    }, timeout=60)
    if answer.status_code != 200 or "error" in answer.json() or not answer.json().get("result", {}).get("uid"):
        sys.exit(f"Cannot log in as {credentials[0]}: {answer.text[:500]}")
    return session.cookies


def call_kw(url, cookies, model, method, args, kwargs=None, request_id=0):
    payload = {"jsonrpc": "2.0", "method": "call", "id": request_id, "params": {
        "model": model, "method": method, "args": args, "kwargs": kwargs or {},
    }}
    return requests.post(f"{url}/web/dataset/call_kw", data=json.dumps(payload), cookies=cookies,
                         headers={"Content-Type": "application/json"}, timeout=600)


def simultaneously(count, request):
    """Run ``request(index)`` in ``count`` threads released together; each result with its seconds."""
    barrier = threading.Barrier(count, timeout=120)
    results = [None] * count

    def run(index):
        barrier.wait()
        started = time.monotonic()
        try:
            answer = request(index)
            results[index] = (answer.status_code, answer.text, time.monotonic() - started)
        except requests.RequestException as error:  # refused, reset, timed out: reported, and a failure
            results[index] = (None, f"{type(error).__name__}: {error}", time.monotonic() - started)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# Kernel counters (this network namespace) that tell how the burst's connections waited.
TCP_COUNTERS = ("ListenOverflows", "SyncookiesSent", "SyncookiesFailed")


def tcp_counters():
    """``TCP_COUNTERS`` from /proc/net/netstat (None where it cannot be read). ListenOverflows: a
    handshake found the listen queue full and was dropped, to be retransmitted a second or more
    later (the connection waits); SyncookiesSent: the queue of half-open connections was full and
    Linux answered with a SYN cookie; SyncookiesFailed: an ACK that did not match a cookie, which
    the kernel answers with a reset (the client sees "connection reset by peer")."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            counters = dict(zip(names.split()[1:], map(int, values.split()[1:]), strict=True))
            return {name: counters.get(name, 0) for name in TCP_COUNTERS}
    return None


def classify(results):
    """Statuses, bookings, SlotTaken refusals (with or without next free times), other answers."""
    statuses = Counter("no answer" if status is None else status for status, _text, _s in results)
    booked, refused, without_alternatives, other = [], 0, [], []
    for status, text, _seconds in results:
        if status != 200:
            other.append(f"{status}: {text[:300]}")
            continue
        body = json.loads(text)
        if "result" in body:
            booked.append(body["result"])
        elif body.get("error", {}).get("data", {}).get("name") == SLOT_TAKEN:
            refused += 1
            if "Next free times:" not in body["error"]["data"]["message"]:
                without_alternatives.append(body["error"]["data"]["message"])
        else:
            other.append(json.dumps(body.get("error", body))[:300])
    return statuses, booked, refused, without_alternatives, other


def active_states():
    # Imported once the configuration gives Odoo the addons path (parse_args).
    from odoo.addons.clinic_scheduling.models.clinic_appointment import ACTIVE_STATES  # noqa: PLC0415

    return ACTIVE_STATES


def overlaps(env, data):
    """Pairs of active appointments of the benchmark's provider or room whose buffered times overlap."""
    env.cr.execute(
        """SELECT count(*) FROM clinic_appointment a JOIN clinic_appointment b ON a.id < b.id
            WHERE (a.provider_id = b.provider_id OR a.room_id = b.room_id)
              AND tsrange(a.busy_start, a.busy_stop) && tsrange(b.busy_start, b.busy_stop)
              AND a.state IN %s AND b.state IN %s
              AND (a.provider_id = %s OR a.room_id = %s)""",
        [active_states(), active_states(), data["provider"], data["room"]],
    )
    return env.cr.fetchone()[0]


def read_log():
    """The server's log: the lines that show a traceback or a deadlock, and how many bookings
    PostgreSQL's exclusion constraint refused (Odoo logs them as "bad query"; ``_book_slot`` turns
    them into SlotTaken: a transaction whose snapshot predates the winning booking cannot see it)."""
    lines = (LOG.read_text(errors="replace") if LOG.exists() else "").splitlines()
    problems = [line for line in lines if "Traceback" in line or "deadlock" in line.lower()]
    return problems, sum("violates exclusion constraint" in line for line in lines)


class ConnectionSampler(threading.Thread):
    """The peak number of PostgreSQL connections to ``db`` while it runs (sampled every 50 ms)."""

    def __init__(self, db):
        super().__init__(daemon=True)
        self.db, self.peak, self.done = db, 0, threading.Event()

    def run(self):
        import psycopg2  # noqa: PLC0415

        conn = psycopg2.connect(dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cr:
            while not self.done.wait(0.05):
                cr.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.db])
                self.peak = max(self.peak, cr.fetchone()[0])
        conn.close()


def main():
    args = parse_args(__doc__, add_options)
    size = "smoke" if args.smoke else "bench"
    counts = [args.requests] if args.requests else REQUESTS[size]
    if min(counts) < 2 or (args.workers is not None and args.workers < 1):
        sys.exit("--requests: at least 2 (a race needs two); --workers: at least 1")
    db = next(iter(SIZES[size]))  # the clinic with history
    if not (database_comment(db) or "").startswith(BUILT + " "):
        sys.exit(f"{db} is not a finished benchmark clinic: run bench/bench_availability.py"
                 f"{' --smoke' if args.smoke else ''} first (make bench).")
    chosen_workers = args.workers
    bursts = [burst(args, db, count, chosen_workers or default_workers(count)) for count in counts]
    out = results_path("booking_contention", args.smoke)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "measured_at": datetime.utcnow().isoformat(timespec="seconds") + "Z", "smoke": args.smoke,
        "machine": {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "database": db, "bursts": bursts,
    }, indent=2))
    print(f"  written: {out.relative_to(ROOT)}")
    return 0 if all(all(b["checks"].values()) for b in bursts) else 1


def burst(args, db, count, workers):
    """One burst of ``count`` simultaneous bookings of one slot against ``workers`` workers."""
    args.workers = workers
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        leftover = remove_bench_data(environment(cr))
        if leftover:
            print(f"  removed {leftover} appointments left by an interrupted run")
        data = create_bench_data(environment(cr), count)
    slot = data["slot"]
    try:
        with odoo_server(db, args.workers, LOG) as url:
            cookies = login(url, db, data["login"])

            def book(index, start=slot["start"]):
                return call_kw(url, cookies, "clinic.appointment", "book_slot", [
                    data["service"], data["clients"][index], start.strftime("%Y-%m-%d %H:%M:%S"),
                    slot["provider_id"],
                ], {"location_id": slot["location_id"], "room_id": slot["room_id"]}, request_id=index)

            # Every worker loads the registry on its first request (seconds on a small machine): warm
            # them all first with simultaneous bookings of a time the provider does not work (refused
            # with next free times, nothing booked), so the burst measures booking, not start-up.
            night = slot["start"] - timedelta(hours=6)
            for _round in range(2):
                warm = simultaneously(min(2 * args.workers, count), lambda i: book(i, night))
                if any(status != 200 or SLOT_TAKEN not in text for status, text, _s in warm):
                    sys.exit(f"Warming the workers did not give SlotTaken: {warm[0][1][:500]}")
            counters_before = tcp_counters()

            sampler = ConnectionSampler(db)
            sampler.start()
            began = time.monotonic()
            results = simultaneously(count, book)
            wall = time.monotonic() - began
            sampler.done.set()
            sampler.join()
            counters_after = tcp_counters()
        # The server is stopped: its log is complete, and what is in the database is final.
        with registry.cursor() as cr:
            env = environment(cr)
            overlapping = overlaps(env, data)
            cr.execute("SELECT count(*) FROM clinic_appointment WHERE location_id = %s AND state IN %s",
                       [data["location"], active_states()])
            in_database = cr.fetchone()[0]
    finally:
        with registry.cursor() as cr:
            remove_bench_data(environment(cr))

    statuses, booked, refused, without_alternatives, other = classify(results)
    durations = sorted(seconds for _status, _text, seconds in results)
    p50, p95 = statistics.median(durations), statistics.quantiles(durations, n=20, method="inclusive")[18]
    tcp = None
    if counters_before and counters_after:
        tcp = {key: counters_after[key] - counters_before[key] for key in TCP_COUNTERS}
    problems, constraint_refusals = read_log()
    checks = {
        f"all {count} answered HTTP 200": statuses.get(200, 0) == count,
        "exactly one booked (answers and database)": len(booked) == 1 and in_database == 1,
        f"{count - 1} refused with SlotTaken": refused == count - 1 and not other,
        "every refusal lists the next free times": not without_alternatives,
        "no overlapping active appointments (SQL)": overlapping == 0,
        "no traceback or deadlock in the server log": not problems,
    }
    target = P95_TARGETS_S.get(count)
    if target and not args.smoke:
        checks[f"p95 <= {target} s for {count} simultaneous bookings"] = p95 <= target
    print(f"\nBooking contention{' (SMOKE: small clinic)' if args.smoke else ''}: {count} simultaneous "
          f"book_slot calls for one slot, Odoo with {args.workers} workers (listen backlog "
          f"{BACKLOG_PER_WORKER * args.workers}), {platform.node()}, {os.cpu_count()} cores")
    print(f"  slot {slot['start']:%Y-%m-%d %H:%M} UTC, provider {slot['provider_id']}, room {slot['room_id']}; "
          f"logged in as {data['login'][0]}")
    print(f"  HTTP: {', '.join(f'{status} x {n}' for status, n in sorted(statuses.items(), key=str))}; "
          f"booked {len(booked)}, refused with SlotTaken {refused} ({len(without_alternatives)} without next "
          f"free times), other {len(other)}")
    print(f"  latency p50 {p50:.2f} s, p95 {p95:.2f} s, max {durations[-1]:.2f} s; all answered in {wall:.1f} s")
    print(f"  at most {args.workers} served at once, the others queued; peak PostgreSQL connections to {db}: "
          f"{sampler.peak} (the benchmark's own included); {constraint_refusals} of the refusals came from "
          "the exclusion constraint")
    if tcp is not None:
        print(f"  TCP during the burst: {tcp['ListenOverflows']} listen queue overflows (handshakes retransmitted), "
              f"{tcp['SyncookiesSent']} SYN cookies sent, {tcp['SyncookiesFailed']} failed (connections reset)")
    for line in other[:5] + without_alternatives[:3] + problems[:5]:
        print(f"    {line}")
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {label}")
    return {
        "requests": count, "workers": args.workers, "listen_backlog": BACKLOG_PER_WORKER * args.workers,
        "slot": {**slot, "start": slot["start"].isoformat(), "stop": slot["stop"].isoformat()},
        "http_statuses": {str(status): n for status, n in statuses.items()}, "booked": len(booked),
        "refused_slot_taken": refused, "refused_without_next_free_times": len(without_alternatives),
        "other_answers": other[:20], "p50_s": round(p50, 3), "p95_s": round(p95, 3),
        "max_s": round(durations[-1], 3), "burst_s": round(wall, 3), "tcp_counters": tcp,
        "peak_postgresql_connections": sampler.peak, "exclusion_constraint_refusals": constraint_refusals,
        "overlapping_pairs": overlapping, "log_problems": problems[:20], "checks": checks,
    }


if __name__ == "__main__":
    sys.exit(main())
