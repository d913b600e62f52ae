#!/usr/bin/env python3
"""Bootstrap, demo, test, lint and bench commands behind the Makefile.

Runs first with any Python 3.11+ (standard library only): checks the Odoo source tree, builds
``.venv`` from ``requirements.txt`` when it changed, then re-executes itself inside ``.venv``.
"""
import argparse
import glob
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
RUN = ROOT / ".run"
ADDONS = ["clinic_scheduling", "clinic_billing", "clinic_charting", "clinic_portal"]
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo18").resolve()
DEMO_LOGINS = [
    ("admin", "admin", "administrator, clinic manager"),
    ("manager", "manager", "clinic manager (Sam Ortiz)"),
    ("frontdesk", "frontdesk", "front desk (Fiona Desk)"),
    ("provider", "provider", "provider (Maya Chen, physiotherapist)"),
    ("portal", "portal", "portal client (Joel Willis)"),
]
DEMO_COMMENT = "clinic-suite demo"


def say(message):
    print(f"==> {message}", flush=True)


def die(message, code=2):
    print(f"\nerror: {message}\n", file=sys.stderr, flush=True)
    sys.exit(code)


# ----------------------------------------------------------------------------------------------
# Bootstrap (runs with the system Python)
# ----------------------------------------------------------------------------------------------
def check_python():
    if sys.version_info < (3, 11):
        die(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}): set PYTHON=python3.11.")


def check_odoo():
    odoo_bin = ODOO_PATH / "odoo-bin"
    release = ODOO_PATH / "odoo" / "release.py"
    if not odoo_bin.is_file() or not release.is_file():
        die(
            f"No Odoo source tree at ODOO_PATH={ODOO_PATH} (expected {odoo_bin}).\n"
            "Install the Odoo 18.0 Community source there (the folder that holds odoo-bin and odoo/),\n"
            "or point ODOO_PATH at yours: make demo ODOO_PATH=/path/to/odoo. See README.md, 'Odoo source'."
        )
    match = re.search(r"^version_info\s*=\s*\((\d+),\s*(\d+)", release.read_text(), re.M)
    version = f"{match.group(1)}.{match.group(2)}" if match else "unknown"
    if version != "18.0":
        die(f"The Odoo at {ODOO_PATH} is version {version}; the clinic suite needs Odoo 18.0 Community.")


def requirements_digest():
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()


def ensure_venv():
    stamp = VENV / ".requirements.sha256"
    python = VENV / "bin" / "python"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == requirements_digest():
        return
    if not python.exists():
        say(f"Creating {VENV.relative_to(ROOT)} with {sys.executable}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    say("Installing requirements.txt into .venv (first run, or requirements changed)")
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if subprocess.run(pip + ["-r", str(ROOT / "requirements.txt")]).returncode:
        die("pip could not install requirements.txt (see above). Nothing was changed in the database.")
    stamp.write_text(requirements_digest())


def reexec_in_venv():
    if os.environ.get("CLINIC_IN_VENV") == "1":
        return
    pythonpath = os.pathsep.join(p for p in (str(ODOO_PATH), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, CLINIC_IN_VENV="1", ODOO_PATH=str(ODOO_PATH), PYTHONPATH=pythonpath)
    python = str(VENV / "bin" / "python")
    os.execve(python, [python, __file__, *sys.argv[1:]], env)


# ----------------------------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------------------------
def pg_connect(dbname="postgres"):
    import psycopg2  # noqa: PLC0415 - only inside .venv

    return psycopg2.connect(dbname=dbname, connect_timeout=5)


def pg_answers():
    try:
        pg_connect().close()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "no usable server"
        return str(exc).strip()


def find_pg_binaries():
    for name in ("initdb", "pg_ctl"):
        if not shutil.which(name):
            break
    else:
        return Path(shutil.which("initdb")).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def ensure_postgres():
    """Use the PostgreSQL server that answers (PGHOST/PGPORT or the local socket); otherwise start a
    private cluster under .run/ on a unix socket."""
    if os.environ.get("CLINIC_PRIVATE_PG") != "1":
        answer = pg_answers()
        if answer is True:
            return
        say(f"No PostgreSQL server answers ({answer.splitlines()[0]}); using a private cluster under .run/")
    bindir = find_pg_binaries()
    if not bindir:
        die(
            "No PostgreSQL server answers and no PostgreSQL server binaries (initdb, pg_ctl) were found.\n"
            "Install PostgreSQL (Debian: apt-get install postgresql), or point PGHOST/PGPORT at a running server."
        )
    datadir, sockdir = RUN / "pgdata", RUN / "pgsock"
    RUN.mkdir(exist_ok=True)
    sockdir.mkdir(exist_ok=True)
    runas = []
    role = os.environ.get("USER") or "postgres"
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run the private cluster as the 'postgres' system user,
        # with a superuser role named after the caller so that libpq's default user works.
        if not shutil.which("runuser"):
            die("Running as root without 'runuser': cannot start a private PostgreSQL cluster.")
        runas = ["runuser", "-u", "postgres", "--"]
        role = "root"
        datadir.mkdir(exist_ok=True)
        shutil.chown(datadir, "postgres")
        shutil.chown(sockdir, "postgres")
        os.chmod(RUN, 0o755)
    if not (datadir / "PG_VERSION").exists():
        say(f"Initialising a private PostgreSQL cluster in {datadir.relative_to(ROOT)}")
        subprocess.run(runas + [str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", role,
                                "--no-sync"], check=True, stdout=subprocess.DEVNULL)
    os.environ["PGHOST"] = str(sockdir)
    os.environ["PGPORT"] = os.environ.get("CLINIC_PG_PORT", "5432")
    if pg_answers() is not True:
        logfile = RUN / "postgresql.log"
        if runas:
            logfile.touch()
            shutil.chown(logfile, "postgres")
        options = f"-k {sockdir} -c listen_addresses='' -p {os.environ['PGPORT']}"
        result = subprocess.run(runas + [str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options,
                                         "-l", str(logfile), "-w", "start"], stdout=subprocess.DEVNULL)
        if result.returncode or pg_answers() is not True:
            die(f"The private PostgreSQL cluster did not start: see {logfile}.")
    say(f"PostgreSQL: private cluster on {sockdir}")


def database_exists(name):
    with pg_connect() as conn, conn.cursor() as cr:
        cr.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cr.fetchone()
    conn.close()
    return (True, row[0] or "") if row else (False, "")


def drop_database(name):
    conn = pg_connect()
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()
    filestore = Path(os.path.expanduser("~/.local/share/Odoo/filestore")) / name
    shutil.rmtree(filestore, ignore_errors=True)


def create_database(name, comment):
    conn = pg_connect()
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f"CREATE DATABASE \"{name}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0")
        cr.execute(f'COMMENT ON DATABASE "{name}" IS %s', [comment])
    conn.close()


def comment_database(name, comment):
    conn = pg_connect()
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'COMMENT ON DATABASE "{name}" IS %s', [comment])
    conn.close()


# ----------------------------------------------------------------------------------------------
# Odoo
# ----------------------------------------------------------------------------------------------
def odoo_command(db, *args):
    return [
        str(VENV / "bin" / "python"), str(ODOO_PATH / "odoo-bin"),
        "-c", str(ROOT / "odoo.conf"),
        f"--addons-path={ODOO_PATH / 'odoo' / 'addons'},{ROOT / 'addons'}",
        "-d", db, f"--db-filter=^{re.escape(db)}$",
        *args,
    ]


def addons_digest():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "addons").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port(start):
    port = start
    while port_in_use(port):
        port += 1
    return port


def wait_http(url, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost only
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def pidfile(port):
    return RUN / f"odoo-{port}.pid"


def running_pid(port):
    path = pidfile(port)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError, PermissionError):
        path.unlink(missing_ok=True)
        return None


def print_logins(db, port):
    print(f"\n  Clinic demo ({db}) at http://localhost:{port}\n")
    for login, password, who in DEMO_LOGINS:
        print(f"    {login:<10} / {password:<10}  {who}")
    print(f"\n  Website and client portal: http://localhost:{port}/my/appointments\n", flush=True)


def build_demo(db, size):
    exists, comment = database_exists(db)
    digest = addons_digest()
    ready = f"{DEMO_COMMENT} ready {digest} size={size}"
    if exists and comment == ready:
        say(f"{db} is up to date")
        return
    if exists and not comment.startswith(DEMO_COMMENT):
        die(f"A database named {db} exists but was not made by 'make demo'. Drop it or use DB=another_name.")
    if exists and comment.startswith(f"{DEMO_COMMENT} ready"):
        say(f"Updating the clinic addons in {db} (code changed since it was built)")
        result = subprocess.run(odoo_command(db, "-u", ",".join(ADDONS), "--stop-after-init", "--no-http",
                                             "--log-level=warn"))
        if result.returncode:
            die(f"Updating {db} failed (see above). Fix the error and run 'make demo' again.")
        if f"size={size}" not in comment:
            generate_volume(db, size)
        comment_database(db, ready)
        return
    if exists:
        say(f"{db} was left half-created by an interrupted run: dropping it and building it again")
        drop_database(db)
    say(f"Creating {db} with the four clinic addons and their demo data (a few minutes)")
    create_database(db, f"{DEMO_COMMENT} building")
    result = subprocess.run(odoo_command(db, "-i", ",".join(ADDONS), "--stop-after-init", "--no-http",
                                         "--log-level=warn"))
    if result.returncode:
        die(f"Installing the addons into {db} failed (see above). 'make demo' will start over next time.")
    generate_volume(db, size)
    comment_database(db, ready)


def generate_volume(db, size):
    say(f"Generating clinic volume ({size})")
    command = [str(VENV / "bin" / "python"), str(ROOT / "scripts" / "generate_volume.py"), "--database", db,
               "--size", size]
    if subprocess.run(command).returncode:
        die("The volume generator failed (see above). 'make demo' will start over next time.")


def cmd_demo(args):
    port = args.port
    pid = running_pid(port)
    if pid:
        say(f"Odoo is already serving on port {port} (pid {pid}): restarting it")
        stop_server(port)
    elif port_in_use(port):
        die(f"Port {port} is taken by another program. Stop it, or serve the demo elsewhere: make demo PORT=8070")
    build_demo(args.db, args.size)
    # The demo answers on this machine only, unless DEMO_HOST says otherwise (e.g. 0.0.0.0).
    command = odoo_command(args.db, f"--http-port={port}", f"--http-interface={args.host}", "--workers=0")
    if args.detach:
        RUN.mkdir(exist_ok=True)
        log = open(RUN / f"odoo-{port}.log", "ab")  # noqa: SIM115 - handed to the child
        proc = subprocess.Popen(command + ["--logfile", str(RUN / f"odoo-{port}.log")], stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        pidfile(port).write_text(str(proc.pid))
        if not wait_http(f"http://localhost:{port}/web/login"):
            die(f"Odoo did not answer on port {port}: see {RUN / f'odoo-{port}.log'}")
        print_logins(args.db, port)
        print(f"  Running in the background (pid {proc.pid}); stop it with: make stop PORT={port}\n")
        return 0
    print_logins(args.db, port)
    print("  Press Ctrl+C to stop.\n", flush=True)
    os.execv(command[0], command)


def stop_server(port):
    pid = running_pid(port)
    if not pid:
        return False
    os.killpg(pid, signal.SIGTERM)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    pidfile(port).unlink(missing_ok=True)
    return True


def cmd_stop(args):
    say(f"Stopped the Odoo on port {args.port}" if stop_server(args.port) else f"Nothing of ours on port {args.port}")
    return 0


# ----------------------------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------------------------
RESULT_RE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
START_RE = re.compile(r" INFO \S+ (odoo\.addons\.\S+): Starting (\S+) \.\.\.")
SKIP_RE = re.compile(r" INFO \S+ (odoo\.addons\.\S+): skipped (\S+) : (.*)$")
FAIL_RE = re.compile(r" (?:ERROR|CRITICAL) \S+ (\S+): (?:FAIL|ERROR): (.*)$")


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def test_id(module, description):
    """One name per test, whichever run it ran in: 'odoo.addons.x.tests.test_y.TestY.test_z'.
    A failed subtest ('Subtest TestY.test_z (...)') is its test's failure."""
    if description.startswith("Subtest "):
        description = description.split()[1]
    return f"{module}.{(description.split() or ['?'])[0]}"


class OdooRun:
    """What one odoo-bin test run did, test by test (read from its log).

    ``tests``: the ids of the tests that started; ``failed`` and ``skipped``: ids among them (or
    not, for a class whose setup failed); ``broken``: failures that are no test's (the install
    failed, odoo-bin exited in error), counted once each.
    """

    def __init__(self, name, alone):
        self.name, self.alone = name, alone
        self.tests, self.failed, self.skipped, self.broken = set(), set(), set(), []


def run_odoo_tests(name, db, install, tags, port, alone):
    drop_database(db)
    create_database(db, "clinic-suite test (throw-away)")
    log = RUN / f"test-{name}.log"
    command = odoo_command(db, "-i", ",".join(install), f"--test-tags={tags}", "--stop-after-init",
                           f"--http-port={port}", "--workers=0", "--max-cron-threads=0", f"--logfile={log}",
                           "--log-level=info")
    log.unlink(missing_ok=True)
    started = time.time()
    returncode = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT).returncode
    text = log.read_text(errors="replace") if log.exists() else ""
    run = OdooRun(name, alone)
    reported = 0
    for match in RESULT_RE.finditer(text):
        reported = int(match.group(1)) + int(match.group(2))
    for line in text.splitlines():
        if match := START_RE.search(line):
            run.tests.add(test_id(*match.groups()))
        elif match := SKIP_RE.search(line):
            run.skipped.add(test_id(match.group(1), match.group(2)))
        elif match := FAIL_RE.search(line):
            run.failed.add(test_id(*match.groups()))
    if not RESULT_RE.search(text):
        run.broken.append(f"no test result line: the install of {', '.join(install)} failed (exit {returncode})")
    elif reported and not run.failed:
        run.broken.append(f"{reported} failure(s) reported but none named in the log")
    elif returncode and not (run.failed or run.skipped):
        run.broken.append(f"odoo-bin exited with {returncode}")
    bad = len(run.failed | run.skipped) + len(run.broken)
    status = "ok" if not bad else "FAILED"
    what = f"{name} alone (only its dependencies installed)" if alone else "all four addons"
    say(f"{what}: {len(run.tests)} tests, {bad} failed ({len(run.skipped)} skipped) "
        f"in {time.time() - started:.0f}s [{status}] log: {log.relative_to(ROOT)}")
    for line in (run.broken + [f"failed: {t}" for t in sorted(run.failed)]
                 + [f"skipped (counts as a failure): {t}" for t in sorted(run.skipped)]):
        print(f"     {line}")
    if bad:
        show_failures(text)
    return run


def show_failures(text):
    lines = text.splitlines()
    shown = 0
    for index, line in enumerate(lines):
        if (" ERROR " in line or " CRITICAL " in line) and shown < 12:
            shown += 1
            block = [line]
            for follow in lines[index + 1: index + 40]:
                if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", follow):
                    break
                block.append(follow)
            print("\n".join("       | " + b for b in block))


PYTEST_RE = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def run_suite_tests(db):
    started = time.time()
    log = RUN / "test-suite.log"
    command = [str(VENV / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider",
               f"--odoo-config={ROOT / 'odoo.conf'}", f"--odoo-database={db}",
               f"--odoo-addons-path={ODOO_PATH / 'odoo' / 'addons'},{ROOT / 'addons'}",
               "-q", "-rfEs", str(ROOT / "tests")]
    with open(log, "w") as out:
        returncode = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT).returncode
    text = log.read_text(errors="replace")
    tail = [line for line in text.splitlines() if line.strip()][-1:] or [""]
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for number, kind in PYTEST_RE.findall(tail[0]):
        counts[kind.rstrip("s") if kind.startswith("error") else kind] += int(number)
    bad = counts["failed"] + counts["error"] + counts["skipped"]
    if returncode not in (0, 5) and not bad:
        bad = 1
    if returncode == 5:
        bad += 1  # no suite test collected: tests/ must not be empty
    say(f"suite (tests/): {counts['passed']} passed, {bad} failed in {time.time() - started:.0f}s "
        f"[{'ok' if not bad else 'FAILED'}] log: {log.relative_to(ROOT)}")
    if bad:
        print(text[-6000:])
    return counts["passed"], bad


def cmd_test(args):
    if not find_chromium():
        die("Browser tours need Chromium: apt-get install chromium (.ci/run installs it).")
    RUN.mkdir(exist_ok=True)
    prefix = args.db_prefix
    selected = args.addons or ADDONS
    runs = []
    # Each addon alone on a fresh database with only its dependencies, running its own tests
    # (this proves it installs alone)...
    for addon in selected:
        if addon != "clinic_portal":
            runs.append((addon, f"{prefix}_{addon}", [addon], f"/{addon}", True))
    # ...and the whole suite together (clinic_portal depends on the three others), all tests.
    if not args.addons or "clinic_portal" in selected:
        runs.append(("all", f"{prefix}_all", ADDONS, ",".join(f"/{a}" for a in ADDONS), False))
    # TEST_PORT: where the test servers listen, so that two checkouts can run their tests at once.
    port = free_port(int(os.environ.get("TEST_PORT") or 8269))
    results = []
    for name, db, install, tags, alone in runs:
        results.append(run_odoo_tests(name, db, install, tags, port, alone))
        if alone and not args.keep:
            drop_database(db)
    suite_passed = suite_failed = 0
    if not args.addons:
        suite_passed, suite_failed = run_suite_tests(f"{prefix}_all")
    if not args.keep:
        drop_database(f"{prefix}_all")
    # A test that runs in an addon's own database and again in the all-addons one is one test:
    # it counts once, and as failed if it failed in either.
    tests = set().union(*(run.tests for run in results))
    failed = set().union(*(run.failed | run.skipped for run in results))
    broken = sum(len(run.broken) for run in results)
    alone = [run for run in results if run.alone]
    if alone:
        bad = [run.name for run in alone if run.broken or run.failed or run.skipped]
        noun = "addon installs" if len(alone) == 1 else "addons install"
        say(f"{len(alone)} {noun} alone: " + (f"FAILED ({', '.join(bad)})" if bad else "ok"))
    passed = len(tests - failed) + suite_passed
    failed_count = len(failed) + broken + suite_failed
    print(f"\n{passed} passed, {failed_count} failed", flush=True)
    return 1 if failed_count else 0


# ----------------------------------------------------------------------------------------------
# Lint and bench
# ----------------------------------------------------------------------------------------------
def cmd_lint(args):
    ruff = subprocess.run([str(VENV / "bin" / "ruff"), "check", "addons", "tests", "scripts", "bench"], cwd=ROOT)
    pylint = subprocess.run([str(VENV / "bin" / "pylint"), "--rcfile", str(ROOT / ".pylintrc"),
                             *sorted(str(p) for p in (ROOT / "addons").iterdir() if p.is_dir())], cwd=ROOT)
    return 1 if ruff.returncode or pylint.returncode else 0


def cmd_bench(args):
    """Every benchmark in bench/ on the benchmark clinic (built once), or with --size smoke on a small
    clinic built afresh and dropped afterwards (CI: proves the benchmarks build and run)."""
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if not scripts:
        die("No benchmark in bench/ yet.")
    if args.size not in ("full", "smoke"):
        die(f"SIZE={args.size}: make bench knows SIZE=full (the default) and SIZE=smoke.")
    smoke = args.size == "smoke"
    options = ["--smoke"] * smoke + ["--rebuild"] * args.rebuild + (["--runs", str(args.runs)] if args.runs else [])
    env = dict(os.environ, BENCH_DB_PREFIX=args.db_prefix)
    started = time.time()
    code = 0
    try:
        for script in scripts:
            say(f"Benchmark {script.name}{' (smoke)' if smoke else ''}")
            code |= subprocess.run([str(VENV / "bin" / "python"), str(script), *options], cwd=ROOT,
                                   env=env).returncode
    finally:
        if smoke and not args.keep:
            # The smoke databases (bench_availability.py's and bench_charging.py's names), only if the
            # benchmark made them.
            for db in (f"{args.db_prefix}_smoke", f"{args.db_prefix}_smoke_nohist", f"{args.db_prefix}_billing_smoke",
                       f"{args.db_prefix}_portal_smoke"):
                exists, comment = database_exists(db)
                if exists and comment.startswith("clinic-suite bench"):
                    drop_database(db)
    say(f"Benchmarks{' (smoke)' if smoke else ''}: {'ok' if not code else 'FAILED'} in {time.time() - started:.0f}s")
    return 1 if code else 0


def cmd_check_deploy(args):
    sys.path.insert(0, str(ROOT / "scripts"))
    import check_deploy  # noqa: PLC0415 - a script beside this one

    return check_deploy.main([args.conf])


def main():
    parser = argparse.ArgumentParser(prog="clinic", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="build or update the demo database and serve it")
    demo.add_argument("--db", default=os.environ.get("DB") or "clinic_demo")
    demo.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8069))
    demo.add_argument("--size", default=os.environ.get("DEMO_SIZE") or "demo")
    demo.add_argument("--detach", action="store_true", default=os.environ.get("DETACH") == "1")
    demo.add_argument("--host", default=os.environ.get("DEMO_HOST") or "127.0.0.1",
                      help="interface the demo listens on (default: this machine only)")
    stop = sub.add_parser("stop", help="stop a detached demo server")
    stop.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8069))
    test = sub.add_parser("test", help="run every test on fresh databases")
    test.add_argument("--db-prefix", default=os.environ.get("TEST_DB_PREFIX") or "clinic_test")
    test.add_argument("--keep", action="store_true", default=os.environ.get("KEEP_DB") == "1")
    test.add_argument("addons", nargs="*", help="only these addons' tests (default: everything)")
    sub.add_parser("lint", help="ruff and pylint-odoo")
    bench = sub.add_parser("bench", help="run the benchmarks in bench/")
    bench.add_argument("--size", choices=["full", "smoke"], default=os.environ.get("SIZE") or "full",
                       help="smoke: small throw-away clinic, few runs, no targets (CI)")
    bench.add_argument("--smoke", dest="size", action="store_const", const="smoke", help="same as --size smoke")
    bench.add_argument("--runs", type=int, default=int(os.environ.get("RUNS") or 0) or None,
                       help="warm runs of each measure (default 25, smoke 3)")
    bench.add_argument("--rebuild", action="store_true", default=os.environ.get("REBUILD") == "1",
                       help="build the benchmark databases again")
    bench.add_argument("--db-prefix", default=os.environ.get("BENCH_DB_PREFIX") or "clinic_bench",
                       help="names of the benchmark databases: PREFIX, PREFIX_nohist, PREFIX_smoke...")
    bench.add_argument("--keep", action="store_true", default=os.environ.get("KEEP_DB") == "1",
                       help="keep the smoke databases")
    sub.add_parser("bootstrap", help="only prepare .venv and PostgreSQL")
    deploy = sub.add_parser("check-deploy", help="check an Odoo configuration file for a safe deployment")
    deploy.add_argument("conf", nargs="?", default=os.environ.get("CONF") or str(ROOT / "deploy" / "odoo.conf.example"))
    args = parser.parse_args()

    check_python()
    check_odoo()
    ensure_venv()
    reexec_in_venv()
    os.chdir(ROOT)
    if args.command in ("demo", "test", "bench", "bootstrap"):
        ensure_postgres()
    handler = {"demo": cmd_demo, "stop": cmd_stop, "test": cmd_test, "lint": cmd_lint, "bench": cmd_bench,
               "bootstrap": lambda a: 0, "check-deploy": cmd_check_deploy}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
