"""Suite-level tests: real transactions on the committed test database (see DESIGN.md, Testing races).

Run by `make test` through pytest-odoo after the addons' own tests, against the database where all
four addons are installed. Every fixture commits what it creates and removes it afterwards.
"""
import uuid
from datetime import datetime, timedelta

import pytest

import odoo
from odoo import Command, api


@pytest.fixture(scope="session")
def registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


@pytest.fixture
def clinic(registry):
    """A committed mini clinic: one location, two rooms, one service, two providers, two clients."""
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        location = env["clinic.location"].create({"name": f"Race {tag}", "tz": "Europe/Brussels"})
        rooms = env["clinic.room"].create([
            {"name": f"Race room {tag} {i}", "location_id": location.id} for i in (1, 2)
        ])
        service = env["clinic.service"].create({"name": f"Race service {tag}", "duration": 45, "buffer_after": 15})
        providers = env["clinic.provider"].create([
            {"name": f"Race provider {tag} {i}", "service_ids": [Command.set(service.ids)]} for i in (1, 2)
        ])
        clients = env["res.partner"].create([{"name": f"Race client {tag} {i}"} for i in (1, 2)])
        data = {
            "location": location.id, "rooms": rooms.ids, "service": service.id, "providers": providers.ids,
            "clients": clients.ids, "start": datetime(2031, 6, 2, 9, 0) + timedelta(days=int(tag, 16) % 500),
            "frontdesk": env.ref("clinic_scheduling.user_frontdesk_demo").id,
        }
    yield data
    with registry.cursor() as cr:
        # Appointments are never deleted through the ORM (by design); test data is removed directly,
        # with what was posted on them.
        cr.execute("SELECT id FROM clinic_appointment WHERE location_id = %s", [data["location"]])
        appointment_ids = [row[0] for row in cr.fetchall()] or [0]
        cr.execute("DELETE FROM mail_message WHERE model = 'clinic.appointment' AND res_id = ANY(%s)",
                   [appointment_ids])
        cr.execute("DELETE FROM ir_attachment WHERE res_model = 'clinic.appointment' AND res_id = ANY(%s)",
                   [appointment_ids])
        cr.execute("DELETE FROM clinic_appointment WHERE location_id = %s", [data["location"]])
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["clinic.provider"].browse(data["providers"]).unlink()
        env["clinic.room"].browse(data["rooms"]).unlink()
        env["clinic.service"].browse(data["service"]).unlink()
        env["clinic.location"].browse(data["location"]).unlink()
        env["res.partner"].browse(data["clients"]).unlink()
