"""Safe defaults for deployment (make check-deploy) and for the configuration the suite runs with."""
import shutil
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from passlib.context import CryptContext

import odoo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import check_deploy  # noqa: E402


def failures(path):
    return [message for level, message in check_deploy.check(path) if level == "FAIL"]


def test_the_running_odoo_has_no_master_password():
    """The master password 'admin' (Odoo's default) opens nothing: database management is refused."""
    assert not odoo.tools.config.verify_admin_password("admin")
    assert not odoo.tools.config["list_db"]
    assert not any("admin_passwd" in message for message in failures(ROOT / "odoo.conf"))


@pytest.fixture
def config(tmp_path):
    """The example production configuration, copied to change one setting at a time."""
    path = tmp_path / "odoo.conf"
    shutil.copy(ROOT / "deploy" / "odoo.conf.example", path)

    def with_options(**options):
        lines = [line for line in path.read_text().splitlines()
                 if line.split("=")[0].strip() not in options]
        path.write_text("\n".join(lines + [f"{key} = {value}" for key, value in options.items()]) + "\n")
        return path
    return with_options


@pytest.fixture
def role():
    """A PostgreSQL role that is not a superuser (the local server trusts local connections)."""
    name = f"clinic_check_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER')
    yield name
    with conn.cursor() as cr:
        cr.execute(f'DROP ROLE "{name}"')
    conn.close()


def test_the_example_production_configuration_passes(config, role):
    path = config(db_host="False", db_port="False", db_password="False", db_user=role)
    assert failures(path) == []
    assert all(level == "ok" for level, _message in check_deploy.check(path))


@pytest.mark.parametrize("options, failing", [
    ({"admin_passwd": "admin"}, "admin_passwd"),
    ({"admin_passwd": "S3cret-but-in-clear"}, "admin_passwd"),
    ({"list_db": "True"}, "list_db"),
    ({"workers": "0"}, "workers"),
    ({"max_cron_threads": "0"}, "max_cron_threads"),
    ({"db_user": "root", "db_host": "False", "db_port": "False", "db_password": "False"}, "db_user"),
])
def test_each_unsafe_setting_fails_the_check(config, options, failing):
    path = config(**options)
    assert any(message.startswith(failing) for message in failures(path)), check_deploy.check(path)
    assert check_deploy.main([str(path)]) == 1


def test_a_hashed_master_password_is_accepted(config):
    path = config(admin_passwd=CryptContext(["pbkdf2_sha512"]).hash("a long random secret"))
    assert not any(message.startswith("admin_passwd") for message in failures(path))
