#!/usr/bin/env python3
"""Portal benchmark (make bench): the public availability API under 50 simultaneous visitors.

Builds its own clinic once (`$BENCH_DB_PREFIX_portal`, smoke: `..._portal_smoke`): the four addons
with their demo data (two locations, eight providers, the website), then, not in smoke, the demo
volume of scripts/generate_volume.py (six weeks of past and upcoming appointments). Starts Odoo as
it is deployed (prefork workers, behind a proxy: --proxy-mode, each visitor its own address in
X-Forwarded-For, as a proxy would send), and for DURATION seconds 50 visitors (smoke: 5) each ask,
one request after the other on their own connection,

    GET /clinic/api/v1/services/<id>/slots?date_from=<tomorrow>&date_to=<tomorrow + 13 days>

for the demo's physiotherapy follow-up (14 days of one service, every provider offering it): first
as visitors ask (the server reuses an answer for 10 seconds, controllers/api.py), then with
"Cache-Control: no-cache" (every answer computed: the engine's cost behind the API under that load).

Reports for each the requests per second, the latency (p50, p95, max; target p95 <= 300 ms for the
first), the HTTP statuses (all 200) and the slots in an answer. The availability rate limit counts each visitor as
in production: 50 visitors asking back to back exceed the default of 120 a minute each, so the run
raises it (system parameter clinic_portal.rate_limit.availability) and puts it back afterwards.
Writes bench/results/portal.json (portal-smoke.json); exits non-zero on a status other than 200, a
traceback in the server's log, or a missed target (not in smoke).
"""
import hashlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo18")
sys.path.insert(0, str(ODOO_PATH))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

import odoo  # noqa: E402
from bench_availability import PREFIX, PYTHON, ensure_addon_database, parse_args, pg  # noqa: E402
from bench_availability import results_path  # noqa: E402
from bench_booking_contention import LOG  # noqa: E402
from odoo_workers import deployed_workers, odoo_server  # noqa: E402

TARGET_P95_MS = 300
VISITORS = {"bench": 50, "smoke": 5}
DURATION_S = {"bench": 20, "smoke": 3}
# What visitors get (the server reuses an answer for 10 seconds), and every answer computed afresh
# ("Cache-Control: no-cache": the cost of the engine behind the API under the same load).
PHASES = {"answers reused": {}, "every answer computed": {"Cache-Control": "no-cache"}}
TARGET_PHASE = "answers reused"
DAYS = 14
SERVICE = "clinic_scheduling.service_physio_followup_demo"
RATE_PARAM = "clinic_portal.rate_limit.availability"
COMMENT = "clinic-suite bench portal v1"


def digest():
    value = hashlib.sha256()
    for path in sorted((ROOT / "addons").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            value.update(path.read_bytes())
    return value.hexdigest()[:12]


def ensure_database(db, smoke, rebuild):
    def generate():
        if not smoke:
            print(f"==> {db}: generating the demo volume", flush=True)
            subprocess.run([PYTHON, str(ROOT / "scripts" / "generate_volume.py"), "-d", db, "--size", "demo"],
                           check=True)
        pg("VACUUM ANALYZE", dbname=db)
    ensure_addon_database(db, COMMENT, digest(), "clinic_portal", rebuild, after_install=generate)


def set_rate_limit(db, value):
    """Set the availability rate limit to ``value`` ("count/seconds", or None to remove it); return
    what it was."""
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        params = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["ir.config_parameter"]
        before = params.get_param(RATE_PARAM)
        params.set_param(RATE_PARAM, value or False)
        service = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref(SERVICE)
        return before, service.id


def proxy_headers(url, address):
    """What a proxy in front of Odoo adds for a visitor at ``address``. Odoo 18 applies --proxy-mode
    only to requests that carry X-Forwarded-Host: without it every visitor is 127.0.0.1."""
    return {"X-Forwarded-For": address, "X-Forwarded-Host": url.split("://", 1)[1], "X-Forwarded-Proto": "http"}


@contextmanager
def portal_server(db, workers, *options):
    """Yield the URL of Odoo serving ``db`` with ``workers`` HTTP workers behind a (simulated)
    proxy, on free ports, logging to ``LOG``; ``options``: more of Odoo's command-line options.
    One database named with -d and no --db-filter, as a one-clinic server runs (deploy/): Odoo then
    never lists PostgreSQL's databases to route a request without a session."""
    with odoo_server(db, workers, LOG, *options, proxy_mode=True, db_filter=False) as url:
        yield url


def visit(url, path, index, until, results, lock, extra_headers):
    """One visitor: requests back to back on its own connection until ``until``."""
    session = requests.Session()
    headers = {**proxy_headers(url, f"198.51.100.{index + 1}"), **extra_headers}
    mine = []
    while time.time() < until:
        began = time.perf_counter()
        response = session.get(url + path, headers=headers, timeout=60)
        mine.append(((time.perf_counter() - began) * 1000, response.status_code,
                     len(response.json().get("slots", [])) if response.status_code == 200 else 0))
    with lock:
        results.extend(mine)


def main():
    args = parse_args(__doc__)
    size = "smoke" if args.smoke else "bench"
    db = f"{PREFIX}_portal{'_smoke' if args.smoke else ''}"
    ensure_database(db, args.smoke, args.rebuild)
    visitors, duration = VISITORS[size], DURATION_S[size]
    workers = deployed_workers()
    before, service_id = set_rate_limit(db, "1000000/60")
    tomorrow = datetime.utcnow().date() + timedelta(days=1)
    path = (f"/clinic/api/v1/services/{service_id}/slots?date_from={tomorrow.isoformat()}"
            f"&date_to={(tomorrow + timedelta(days=DAYS - 1)).isoformat()}")
    try:
        with portal_server(db, workers) as url:
            # Warm every worker (its first answers load the registry and fill its caches): a few
            # rounds of simultaneous requests, not measured.
            warm = [threading.Thread(target=lambda: [requests.get(url + path, timeout=120) for _ in range(3)])
                    for _ in range(2 * workers)]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()
            phases = {name: run_phase(url, path, visitors, duration, headers) for name, headers in PHASES.items()}
    finally:
        set_rate_limit(db, before)
    log = LOG.read_text()
    report = {
        "database": db, "visitors": visitors, "workers": workers, "days": DAYS, "phases": phases,
        "target_p95_ms": TARGET_P95_MS, "tracebacks_in_log": log.count("Traceback"),
        "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()[0]},
    }
    path_out = results_path("portal", args.smoke)
    path_out.parent.mkdir(exist_ok=True)
    path_out.write_text(json.dumps(report, indent=2) + "\n")
    failed = bool(report["tracebacks_in_log"])
    for name, phase in phases.items():
        print(f"Availability API, {name}: {visitors} visitors, {workers} workers, {DAYS} days of one service: "
              f"{phase['requests_per_s']} requests/s, p50 {phase['p50_ms']} ms, p95 {phase['p95_ms']} ms, "
              f"max {phase['max_ms']} ms, statuses {phase['statuses']}, {phase['slots_per_answer']} slots an answer",
              flush=True)
        failed |= set(phase["statuses"]) != {"200"} or not phase["slots_per_answer"]
    print(f"Target p95 <= {TARGET_P95_MS} ms for the answers visitors get (reused by the server): "
          f"{'met' if phases[TARGET_PHASE]['p95_ms'] <= TARGET_P95_MS else 'MISSED'}", flush=True)
    if not args.smoke and phases[TARGET_PHASE]["p95_ms"] > TARGET_P95_MS:
        failed = True
    print(f"Written to {path_out.relative_to(ROOT)}{' — FAILED' if failed else ''}", flush=True)
    return 1 if failed else 0


def run_phase(url, path, visitors, duration, headers):
    results, lock = [], threading.Lock()
    until = time.time() + duration
    threads = [threading.Thread(target=visit, args=(url, path, index, until, results, lock, headers))
               for index in range(visitors)]
    began = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - began
    latencies = sorted(result[0] for result in results)
    statuses = {}
    for _ms, status, _slots in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0]
    return {
        "duration_s": round(elapsed, 1), "requests": len(results),
        "requests_per_s": round(len(results) / elapsed, 1), "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(p95, 1), "max_ms": round(latencies[-1], 1), "statuses": statuses,
        "slots_per_answer": max(result[2] for result in results),
    }


if __name__ == "__main__":
    sys.exit(main())
