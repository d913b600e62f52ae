"""Odoo as it is deployed: several HTTP worker processes (prefork), no cron worker, on free ports.

The one way the suite-level race tests (tests/odoo_server.py) and the benchmarks (bench/) start such
a server, wait until it answers, and stop it with every process it forked. Runs in the Python that
imports it (``.venv``), with the Odoo that Python imports.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# Odoo's prefork server listens with a backlog of 8 connections per HTTP worker
# (odoo/service/server.py, not configurable): a burst of N simultaneous connections needs N / 8
# workers, or Linux resets some of them (bench/bench_booking_contention.py).
BACKLOG_PER_WORKER = 8
# How long a server may take to answer its first page (a busy machine, assets built on demand).
START_TIMEOUT_S = 180


class ServerDidNotStart(RuntimeError):
    """The multi-worker server exited, or did not answer in time (its log says why)."""


def free_ports(count):
    """``count`` distinct free ports of 127.0.0.1: any the system gives, or the first free ones in
    the range of the environment variable ODOO_WORKERS_PORTS ("8491-8499"), for a machine where
    each checkout keeps to its own ports."""
    wanted = os.environ.get("ODOO_WORKERS_PORTS")
    candidates = range(int(wanted.split("-")[0]), int(wanted.split("-")[-1]) + 1) if wanted else [0] * count
    held = []  # kept bound until all are found, so that the system gives distinct ones
    try:
        for candidate in candidates:
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                sock.close()
                continue
            held.append(sock)
            if len(held) == count:
                return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()
    raise ServerDidNotStart(f"no {count} free ports in ODOO_WORKERS_PORTS={wanted}")


def deployed_workers():
    """The HTTP workers of a deployment on this machine: 2 x cores + 1 (README, deployment)."""
    return 2 * (os.cpu_count() or 1) + 1


def workers_for(connections, minimum=5):
    """HTTP workers for ``connections`` simultaneous connections: one per 8 (Odoo's listen
    backlog), and at least ``minimum``."""
    return max(minimum, -(-connections // BACKLOG_PER_WORKER))


def odoo_bin():
    import odoo  # noqa: PLC0415 - the Odoo of the caller, importable once its path is set

    return Path(odoo.__file__).resolve().parent.parent / "odoo-bin"


def default_addons_path():
    return f"{odoo_bin().parent / 'odoo' / 'addons'},{ROOT / 'addons'}"


@contextmanager
def odoo_server(db, workers, log, *options, proxy_mode=False, db_filter=True, config=None, addons_path=None):
    """Yield the URL of Odoo serving ``db`` with ``workers`` HTTP workers and no cron worker, on
    free ports of 127.0.0.1, once it answers; stop it afterwards (its whole process group: SIGTERM,
    then SIGKILL after a minute), whatever happened.

    :param log: the server's log file (a Path); emptied first, so that what the caller reads in it
        afterwards is this server's only (Odoo appends).
    :param options: more of Odoo's command-line options (e.g. ``--log-handler=werkzeug:INFO``).
    :param proxy_mode: behind a (simulated) proxy: each visitor its own address in X-Forwarded-For.
    :param db_filter: serve only ``db`` (``--db-filter``); False: ``-d`` alone, as a one-clinic
        server runs (deploy/), so that Odoo never lists PostgreSQL's databases for a request.
    :param config: the configuration file (default: the repository's odoo.conf).
    :param addons_path: default: Odoo's addons and the repository's.
    :raises ServerDidNotStart: the server exited or did not answer within ``START_TIMEOUT_S``.
    """
    port, gevent_port = free_ports(2)
    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    command = [
        sys.executable, str(odoo_bin()), "-c", str(config or ROOT / "odoo.conf"),
        f"--addons-path={addons_path or default_addons_path()}", "-d", db,
        *([f"--db-filter=^{db}$"] if db_filter else []),
        "--http-interface=127.0.0.1", f"--http-port={port}", f"--gevent-port={gevent_port}",
        f"--workers={workers}", "--max-cron-threads=0", f"--logfile={log}", "--log-level=warn",
        *(["--proxy-mode"] if proxy_mode else []), *options,
    ]
    process = subprocess.Popen(command, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_it_answers(process, url, log)
        yield url
    finally:
        stop(process)


def wait_until_it_answers(process, url, log):
    deadline = time.time() + START_TIMEOUT_S
    while time.time() < deadline and process.poll() is None:
        try:
            # The first page of a worker can take a while on a busy machine (assets).
            if requests.get(f"{url}/web/login", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet
        time.sleep(0.3)
    raise ServerDidNotStart(f"the multi-worker Odoo server did not answer: see {log}")


def stop(process):
    """Stop the server and the workers it forked (they share its process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
