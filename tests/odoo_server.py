"""Odoo serving the committed test database with several worker processes (prefork), as deployed,
for the suite tests that send real parallel HTTP requests (DESIGN.md, Testing races)."""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

import odoo

RUN = Path(__file__).resolve().parent.parent / ".run"
# Odoo's prefork server listens with a backlog of 8 connections per HTTP worker
# (odoo/service/server.py, not configurable): a burst of N simultaneous connections needs N / 8
# workers, or Linux resets some of them (bench/bench_booking_contention.py).
BACKLOG_PER_WORKER = 8


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workers_for(connections, minimum=5):
    """HTTP workers for ``connections`` simultaneous connections (one per 8, and ``minimum``)."""
    return max(minimum, -(-connections // BACKLOG_PER_WORKER))


@contextmanager
def odoo_server(workers, log_name, proxy_mode=False):
    """Yield ``(url, log path)`` of Odoo serving the test database with ``workers`` HTTP workers, no
    cron worker, on free ports; stopped afterwards. The log (``.run/<log_name>``) is emptied first,
    so that what a test reads in it is this server's only. ``proxy_mode``: behind a (simulated)
    proxy, each visitor its own address in X-Forwarded-For."""
    config = odoo.tools.config
    port, gevent_port = free_port(), free_port()
    RUN.mkdir(exist_ok=True)
    log = RUN / log_name
    log.write_text("")
    command = [
        sys.executable, str(Path(odoo.__file__).resolve().parent.parent / "odoo-bin"), "-c", config.rcfile,
        f"--addons-path={config['addons_path']}", "-d", config["db_name"], f"--db-filter=^{config['db_name']}$",
        "--http-interface=127.0.0.1", f"--http-port={port}", f"--gevent-port={gevent_port}",
        f"--workers={workers}", "--max-cron-threads=0", f"--logfile={log}", "--log-level=warn",
        *(["--proxy-mode"] if proxy_mode else []),
    ]
    process = subprocess.Popen(command, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while time.time() < deadline and process.poll() is None:
            try:
                # The first page of a worker can take a while on a busy machine (assets).
                if requests.get(f"{url}/web/login", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise AssertionError(f"the multi-worker server did not answer: see {log}")
        yield url, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
