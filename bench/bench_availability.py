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

Prints a table and writes bench/results/availability.json; exits non-zero when a target is missed.
Options: --runs N, --rebuild.

--smoke: the same measures on a small clinic (`clinic_bench_smoke`, `clinic_bench_smoke_nohist`:
12 providers, a few hundred appointments), built afresh every time, a few runs each, no targets
checked; for CI, so that the benchmark always builds and runs. Writes availability-smoke.json.
Both modes fail on any error and when a measure found no slot at all (nothing was measured).
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
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
# The generator's size and past appointments of each database, full and smoke.
SIZES = {
    "bench": {PREFIX: 60000, f"{PREFIX}_nohist": 0},
    "smoke": {f"{PREFIX}_smoke": 300, f"{PREFIX}_smoke_nohist": 0},
}
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


def drop_database(db):
    pg(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'")
    pg(f'DROP DATABASE IF EXISTS "{db}"')
    shutil.rmtree(odoo.tools.config.filestore(db), ignore_errors=True)


def ensure_databases(size, rebuild):
    """Build (or reuse, or update) the benchmark databases of ``size``.

    The databases to build get one install of clinic_scheduling, copied (database and filestore)
    for the others, then each its own volume.
    """
    data_marker = f"{BUILT} size={size}"
    marker = f"{data_marker} code {addons_digest()}"
    to_build = {}
    for db, past in SIZES[size].items():
        comment = database_comment(db)
        if comment is not None and not comment.startswith(BENCH_COMMENT):
            sys.exit(f"A database named {db} exists but was not made by the benchmark: drop it or set "
                     "BENCH_DB_PREFIX.")
        if comment == marker and not rebuild:
            print(f"==> {db}: reusing", flush=True)
        elif (comment or "").startswith(data_marker + " ") and not rebuild:
            print(f"==> {db}: updating clinic_scheduling (code changed)", flush=True)
            subprocess.run(odoo_command(db, "-u", "clinic_scheduling"), check=True)
            pg("VACUUM ANALYZE", dbname=db)
            pg(f"COMMENT ON DATABASE \"{db}\" IS '{marker}'")
        else:
            to_build[db] = past
    installed = None
    for db in to_build:
        drop_database(db)
        if installed:
            print(f"==> {db}: copying {installed}", flush=True)
            pg(f'CREATE DATABASE "{db}" TEMPLATE "{installed}"')
            if Path(odoo.tools.config.filestore(installed)).is_dir():
                shutil.copytree(odoo.tools.config.filestore(installed), odoo.tools.config.filestore(db))
        else:
            print(f"==> {db}: installing clinic_scheduling", flush=True)
            pg(f"CREATE DATABASE \"{db}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0")
            installed = db
        pg(f"COMMENT ON DATABASE \"{db}\" IS '{BENCH_COMMENT} building'")
        if db == installed:
            subprocess.run(odoo_command(db, "-i", "clinic_scheduling"), check=True)
    for db, past in to_build.items():
        print(f"==> {db}: generating the clinic ({size}, {past:,} past appointments)", flush=True)
        subprocess.run([PYTHON, str(ROOT / "scripts" / "generate_volume.py"), "-d", db, "--size", size,
                        "--past-appointments", str(past)], check=True)
        pg("VACUUM ANALYZE", dbname=db)
        pg(f"COMMENT ON DATABASE \"{db}\" IS '{marker}'")


def ensure_addon_database(db, comment, code, module, rebuild, after_install=None):
    """Build once a benchmark database with ``module`` and its demo data (then ``after_install()``),
    update ``module`` in place when the code changed (``code``: a digest of it), build it again
    with ``rebuild``. A database of that name the benchmark did not make is never touched."""
    marker = f"{comment} code {code}"
    current = database_comment(db)
    if current is not None and not current.startswith("clinic-suite bench"):
        sys.exit(f"A database named {db} exists but was not made by the benchmark: drop it or set BENCH_DB_PREFIX.")
    if current == marker and not rebuild:
        print(f"==> {db}: reusing", flush=True)
        return
    if (current or "").startswith(comment + " code") and not rebuild:
        print(f"==> {db}: updating {module} (code changed)", flush=True)
        subprocess.run(odoo_command(db, "-u", module), check=True)
    else:
        drop_database(db)
        print(f"==> {db}: installing {module} with its demo data", flush=True)
        pg(f"CREATE DATABASE \"{db}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0")
        pg(f"COMMENT ON DATABASE \"{db}\" IS 'clinic-suite bench building'")
        subprocess.run(odoo_command(db, "-i", module), check=True)
        if after_install:
            after_install()
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


def results_path(name, smoke):
    return ROOT / "bench" / "results" / f"{name}{'-smoke' if smoke else ''}.json"


def parse_args(description, add_options=None):
    """The options every benchmark takes (make bench passes them to each); ``add_options(parser)``
    adds a benchmark's own."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, help="warm runs of each measure (default 25, smoke 3)")
    parser.add_argument("--rebuild", action="store_true", help="build the benchmark databases again")
    parser.add_argument("--smoke", action="store_true", help="small throw-away clinic, few runs, no targets")
    if add_options:
        add_options(parser)
    args = parser.parse_args()
    args.runs = args.runs or (3 if args.smoke else 25)
    if args.runs < 2:
        parser.error("--runs: at least 2 (p95 needs two measures)")
    odoo.tools.config.parse_config([
        "-c", str(ROOT / "odoo.conf"), f"--addons-path={ODOO_PATH / 'odoo' / 'addons'},{ROOT / 'addons'}",
        "--log-level=warn",
    ])
    return args


def main():
    args = parse_args(__doc__)
    size = "smoke" if args.smoke else "bench"
    # The smoke clinic is built afresh each time: it proves that a new machine can build it.
    ensure_databases(size, args.rebuild or args.smoke)
    history_db, empty_db = SIZES[size]
    measured = {db: measure(db, args.runs) for db in SIZES[size]}

    history, empty = measured[history_db]["cases"], measured[empty_db]["cases"]
    ratio = round(history["20x28"]["p50_ms"] / empty["20x28"]["p50_ms"], 2)
    checks = {
        "20x28 p50 <= 150 ms": history["20x28"]["p50_ms"] <= TARGETS["p50_20x28_ms"],
        "20x28 p95 <= 300 ms": history["20x28"]["p95_ms"] <= TARGETS["p95_20x28_ms"],
        "queries <= 15": max(q for c in history.values() for q in c["queries"]) <= TARGETS["queries_max"],
        "same query count for 1 and 20 providers": history["1x28"]["queries"] == history["20x28"]["queries"],
        "50x90 p95 <= 1 s": history["50x90"]["p95_ms"] <= TARGETS["p95_50x90_ms"],
        "history <= 1.2 x without (20x28 p50)": ratio <= TARGETS["history_ratio"],
    }
    # Not a target but the proof that something was measured: every measure finds free slots.
    empty_measures = [f"{db} {name}" for db, data in measured.items()
                      for name, case in data["cases"].items() if not case["slots"]]
    print(f"\nAvailability engine{' (SMOKE: small clinic, targets not checked)' if args.smoke else ''}, "
          f"{args.runs} warm runs each ({platform.node()}, {os.cpu_count()} cores)\n")
    width = max(map(len, measured)) + 2
    print(f"{'database':<{width}}{'case':<8}{'slots':>7}{'p50 ms':>9}{'p95 ms':>9}  queries  first available")
    for db, data in measured.items():
        for name, case in data["cases"].items():
            print(f"{db:<{width}}{name:<8}{case['slots']:>7}{case['p50_ms']:>9}{case['p95_ms']:>9}  "
                  f"{','.join(map(str, case['queries'])):<8} {case['first_available']}")
        print(f"{'':<{width}}({data['appointments']:,} appointments, {data['calendar_events']:,} calendar events)")
    print(f"\nhistory / no history (20x28 p50): {ratio}")
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'not checked' if args.smoke else 'MISSED'}] {label}")
    for label in empty_measures:
        print(f"  [FAILED] {label}: no slot found, nothing was measured")
    out = results_path("availability", args.smoke)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "measured_at": datetime.utcnow().isoformat(timespec="seconds") + "Z", "runs": args.runs,
        "smoke": args.smoke,
        "machine": {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "databases": measured, "history_ratio_20x28_p50": ratio, "targets": TARGETS, "checks": checks,
    }, indent=2))
    print(f"\nwritten: {out.relative_to(ROOT)}")
    if empty_measures:
        return 1
    return 0 if args.smoke or all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
