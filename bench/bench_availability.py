#!/usr/bin/env python3
"""Availability engine benchmark (make bench).

Builds, once, two databases with the volume generator: `clinic_bench` (50 providers, 20 of them
with 60,000 past appointments and their Odoo Calendar events; 5 rooms; four weeks of upcoming
bookings) and `clinic_bench_nohist` (the same clinic and upcoming bookings, no history); the
environment variable BENCH_DB_PREFIX (default `clinic_bench`) renames them. Then
times `clinic.service._get_available_slots` warm, several times each, and counts its SQL queries:

- 1 provider over 28 days;
- 20 providers over 28 days ("first available": any of them, the same single call);
- 50 providers over 90 days.

Prints a table and writes bench/results/availability.json. Options: --runs N, --rebuild.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo18")
sys.path.insert(0, str(ODOO_PATH))
sys.path.insert(0, str(ROOT / "scripts"))

import odoo  # noqa: E402
from generate_volume import BENCH_SERVICE  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
# BENCH_DB_PREFIX: the benchmark databases' names, so that two checkouts can keep their own.
PREFIX = os.environ.get("BENCH_DB_PREFIX") or "clinic_bench"
DATABASES = {PREFIX: 60000, f"{PREFIX}_nohist": 0}
TARGETS = {
    "p50_20x28_ms": 150, "p95_20x28_ms": 300, "queries_max": 15, "p95_50x90_ms": 1000, "history_ratio": 1.2,
}


def pg(sql, dbname="postgres"):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(sql)
        rows = cr.fetchall() if cr.description else None
    conn.close()
    return rows


# Bump when the benchmark clinic's data changes shape (the generator's sizes or rules): the
# databases are then built again. Code changes in the addon only update the module in place.
BENCH_DATA_VERSION = 2  # 2: new providers serve the locations of their working hours


def addons_digest():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "addons" / "clinic_scheduling").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def odoo_command(db, *args):
    return [PYTHON, str(ODOO_PATH / "odoo-bin"), "-c", str(ROOT / "odoo.conf"),
            f"--addons-path={ODOO_PATH / 'odoo' / 'addons'},{ROOT / 'addons'}", "-d", db,
            "--stop-after-init", "--no-http", "--log-level=warn", *args]


BENCH_COMMENT = "clinic-suite bench"
BUILT = f"{BENCH_COMMENT} v{BENCH_DATA_VERSION}"  # the comment of a finished benchmark database starts so


def database_comment(db):
    """The comment of database ``db`` ("" if none), or None when there is no such database."""
    row = pg(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{db}'")
    return (row[0][0] or "") if row else None


def ensure_database(db, past, rebuild):
    data_marker = BUILT
    marker = f"{data_marker} code {addons_digest()}"
    comment = database_comment(db)
    exists, comment = comment is not None, comment or ""
    if exists and not comment.startswith(BENCH_COMMENT):
        sys.exit(f"A database named {db} exists but was not made by the benchmark: drop it or set BENCH_DB_PREFIX.")
    if comment == marker and not rebuild:
        print(f"==> {db}: reusing")
        return
    if comment.startswith(data_marker + " ") and not rebuild:
        print(f"==> {db}: updating clinic_scheduling (code changed)", flush=True)
        subprocess.run(odoo_command(db, "-u", "clinic_scheduling"), check=True)
    else:
        print(f"==> {db}: building with {past:,} past appointments (once; several minutes)", flush=True)
        pg(f'DROP DATABASE IF EXISTS "{db}"')
        pg(f"CREATE DATABASE \"{db}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0")
        pg(f"COMMENT ON DATABASE \"{db}\" IS '{BENCH_COMMENT} building'")
        subprocess.run(odoo_command(db, "-i", "clinic_scheduling"), check=True)
        subprocess.run([PYTHON, str(ROOT / "scripts" / "generate_volume.py"), "-d", db, "--size", "bench",
                        "--past-appointments", str(past)], check=True)
    pg("VACUUM ANALYZE", dbname=db)
    pg(f"COMMENT ON DATABASE \"{db}\" IS '{marker}'")


def measure(db, runs):
    registry = odoo.modules.registry.Registry(db)
    results = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        service = env["clinic.service"].search([("name", "=", BENCH_SERVICE)], limit=1)
        providers = env["clinic.provider"].search([("service_ids", "in", service.ids)], order="sequence, id")
        cr.execute("SELECT count(*) FROM clinic_appointment")
        appointments = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM calendar_event")
        events = cr.fetchone()[0]
        start = datetime.combine(datetime.utcnow().date() + timedelta(days=1), datetime.min.time())
        cases = {
            "1x28": (providers[:1].ids, 28),
            "20x28": (providers[:20].ids, 28),
            "50x90": (providers[:50].ids, 90),
        }
        for name, (provider_ids, days) in cases.items():
            timings, queries, slots = [], set(), []
            for run in range(runs + 3):
                env.invalidate_all()
                before_queries = odoo.sql_db.sql_counter
                began = time.perf_counter()
                slots = service._get_available_slots(start, start + timedelta(days=days), provider_ids=provider_ids,
                                                     online=False)
                elapsed = (time.perf_counter() - began) * 1000
                if run >= 3:  # warm runs only
                    timings.append(elapsed)
                    queries.add(odoo.sql_db.sql_counter - before_queries)
            quantiles = statistics.quantiles(timings, n=20)
            results[name] = {
                "providers": len(provider_ids), "days": days, "runs": len(timings),
                "p50_ms": round(statistics.median(timings), 1), "p95_ms": round(quantiles[18], 1),
                "queries": sorted(queries), "slots": len(slots),
                "first_available": slots[0]["start"].isoformat() if slots else None,
            }
        cr.rollback()
    return {"appointments": appointments, "calendar_events": events, "cases": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    for db, past in DATABASES.items():
        ensure_database(db, past, args.rebuild)
    odoo.tools.config.parse_config([
        "-c", str(ROOT / "odoo.conf"), f"--addons-path={ODOO_PATH / 'odoo' / 'addons'},{ROOT / 'addons'}",
        "--log-level=warn",
    ])
    measured = {db: measure(db, args.runs) for db in DATABASES}

    history, empty = measured[PREFIX]["cases"], measured[f"{PREFIX}_nohist"]["cases"]
    ratio = round(history["20x28"]["p50_ms"] / empty["20x28"]["p50_ms"], 2)
    checks = {
        "20x28 p50 <= 150 ms": history["20x28"]["p50_ms"] <= TARGETS["p50_20x28_ms"],
        "20x28 p95 <= 300 ms": history["20x28"]["p95_ms"] <= TARGETS["p95_20x28_ms"],
        "queries <= 15": max(q for c in history.values() for q in c["queries"]) <= TARGETS["queries_max"],
        "same query count for 1 and 20 providers": history["1x28"]["queries"] == history["20x28"]["queries"],
        "50x90 p95 <= 1 s": history["50x90"]["p95_ms"] <= TARGETS["p95_50x90_ms"],
        "history <= 1.2 x without (20x28 p50)": ratio <= TARGETS["history_ratio"],
    }
    print(f"\nAvailability engine, {args.runs} warm runs each ({platform.node()}, {os.cpu_count()} cores)\n")
    print(f"{'database':<22}{'case':<8}{'slots':>7}{'p50 ms':>9}{'p95 ms':>9}  queries  first available")
    for db, data in measured.items():
        for name, case in data["cases"].items():
            print(f"{db:<22}{name:<8}{case['slots']:>7}{case['p50_ms']:>9}{case['p95_ms']:>9}  "
                  f"{','.join(map(str, case['queries'])):<8} {case['first_available']}")
        print(f"{'':<22}({data['appointments']:,} appointments, {data['calendar_events']:,} calendar events)")
    print(f"\nhistory / no history (20x28 p50): {ratio}")
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    out = ROOT / "bench" / "results" / "availability.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "measured_at": datetime.utcnow().isoformat(timespec="seconds") + "Z", "runs": args.runs,
        "machine": {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "databases": measured, "history_ratio_20x28_p50": ratio, "targets": TARGETS, "checks": checks,
    }, indent=2))
    print(f"\nwritten: {out.relative_to(ROOT)}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
