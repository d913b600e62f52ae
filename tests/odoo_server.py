"""Odoo serving the committed test database with several worker processes (prefork), as deployed,
for the suite tests that send real parallel HTTP requests (DESIGN.md, Testing races). Started and
stopped by scripts/odoo_workers.py, as the benchmarks do."""
import sys
from contextlib import contextmanager
from pathlib import Path

import odoo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from odoo_workers import workers_for  # noqa: E402, F401 - for the tests, beside odoo_server
from odoo_workers import odoo_server as workers_server  # noqa: E402

RUN = ROOT / ".run"


@contextmanager
def odoo_server(workers, log_name, proxy_mode=False):
    """Yield ``(url, log path)`` of Odoo serving the test database (pytest-odoo's configuration)
    with ``workers`` HTTP workers, no cron worker, on free ports; stopped afterwards. The log
    (``.run/<log_name>``) is emptied first, so that what a test reads in it is this server's only.
    ``proxy_mode``: behind a (simulated) proxy, each visitor its own address in X-Forwarded-For."""
    config = odoo.tools.config
    log = RUN / log_name
    with workers_server(config["db_name"], workers, log, proxy_mode=proxy_mode, config=config.rcfile,
                        addons_path=config["addons_path"]) as url:
        yield url, log
