#!/usr/bin/env python3
"""Check an Odoo configuration file for a safe clinic deployment (make check-deploy CONF=...).

Prints one line per check, ``ok``, ``WARN`` or ``FAIL``, and exits 1 when any check fails.
What is checked, and why:

- the master password (``admin_passwd``) is not in clear: empty/False (database management
  refused) or a hash (``$pbkdf2-sha512$...``, what Odoo writes when it is set from its screen);
- the database manager is hidden (``list_db = False``) and a ``dbfilter`` chooses the database;
- Odoo serves with workers (``workers`` >= 2) and a cron worker for reminders and the waitlist;
- behind the reverse proxy (``proxy_mode = True``), listening on the loopback only;
- the PostgreSQL role is not a superuser (Odoo then cannot be used to take over the server);
- limits on memory and request time; no demo data.
"""
import argparse
import configparser
import sys

PASSWORD_HASH_PREFIXES = ("$pbkdf2-", "$6$", "$5$", "$2b$", "$argon2")


def _bool(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _int(value, default=0):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _superuser(options):
    """True/False when PostgreSQL answers for the configured role, None when it cannot be asked."""
    try:
        import psycopg2  # noqa: PLC0415 - only needed for this check
    except ImportError:
        return None
    params = {"dbname": "postgres", "connect_timeout": 5}
    for key, name in (("db_host", "host"), ("db_port", "port"), ("db_user", "user"), ("db_password", "password")):
        value = options.get(key)
        if value and value.lower() != "false":
            params[name] = value
    try:
        with psycopg2.connect(**params) as conn, conn.cursor() as cr:
            cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            return bool(cr.fetchone()[0])
    except Exception:  # noqa: BLE001 - any connection problem means "could not check"
        return None


def check(path):
    """[(level, message)] for the Odoo configuration file at ``path``."""
    parser = configparser.RawConfigParser()
    if not parser.read(path):
        return [("FAIL", f"cannot read {path}")]
    options = dict(parser.items("options")) if parser.has_section("options") else {}
    results = []

    def add(ok, message, level="FAIL"):
        results.append(("ok" if ok else level, message))

    password = options.get("admin_passwd", None)
    if password is None:
        add(False, "admin_passwd is not set: Odoo then uses 'admin' as the master password")
    elif password.strip() in ("", "False"):
        add(True, "admin_passwd is empty: database management (create, drop, restore) is refused")
    elif password.strip().startswith(PASSWORD_HASH_PREFIXES):
        add(True, "admin_passwd is stored hashed")
    else:
        add(False, "admin_passwd is in clear: set it from Odoo's database screen once (it stores a hash) "
                   "or leave it empty")
    add(not _bool(options.get("list_db", "True")), "list_db = False hides the database manager and list")
    add(bool((options.get("dbfilter") or "").strip()) or bool((options.get("db_name") or "").strip()),
        "dbfilter (or db_name) chooses the database for every request", level="WARN")
    workers = _int(options.get("workers"))
    add(workers >= 2, f"workers = {workers}: serve with worker processes (2 x CPU cores + 1 as a start)")
    add(_int(options.get("max_cron_threads"), 2) >= 1,
        "max_cron_threads >= 1: reminders, the waitlist and utilization run in the cron worker")
    add(_bool(options.get("proxy_mode", "False")), "proxy_mode = True behind the HTTPS reverse proxy", level="WARN")
    interface = (options.get("http_interface") or "").strip()
    add(interface in ("127.0.0.1", "localhost", "::1"),
        f"http_interface = {interface or '(all interfaces)'}: listen on the loopback, the proxy faces the network",
        level="WARN")
    add(all(options.get(key) for key in ("limit_memory_soft", "limit_memory_hard", "limit_time_cpu",
                                            "limit_time_real")),
        "limit_memory_soft/hard and limit_time_cpu/real are set for the workers", level="WARN")
    add(_bool(options.get("without_demo", "False")) or (options.get("without_demo") or "").strip() == "all",
        "without_demo = all: no demo data in a clinic's database", level="WARN")
    superuser = _superuser(options)
    if superuser is None:
        results.append(("WARN", "could not ask PostgreSQL whether db_user is a superuser"))
    else:
        add(not superuser, "db_user is not a PostgreSQL superuser")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conf", help="the Odoo configuration file to check")
    args = parser.parse_args(argv)
    results = check(args.conf)
    for level, message in results:
        print(f"  [{level}] {message}")
    failed = sum(1 for level, _message in results if level == "FAIL")
    print(f"\n{args.conf}: {failed} failed, {sum(1 for level, _m in results if level == 'WARN')} warning(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
