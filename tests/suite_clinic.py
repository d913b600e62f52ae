"""What the suite's HTTP race tests share about the small clinic each of them commits to the
database (a server in other processes must see it) and removes afterwards."""
import odoo
from odoo import api


def env_of(cr):
    return api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "active_test": False})


def remove_clinic(cr, data, saved, client_names):
    """Delete, in ``cr``, the clinic a test made: the appointments and weekly series of its location
    (with their messages and followers), its visitors' rate-limit counters (``data["address"]``
    prefix), the clients whose name is ``=like`` ``client_names``, its providers, room, service,
    location and calendar (ids in ``data``); then put back the system parameters ``saved``."""
    ids = {}
    for model, table in (("clinic.appointment", "clinic_appointment"),
                         ("clinic.appointment.series", "clinic_appointment_series")):
        cr.execute(f"SELECT id FROM {table} WHERE location_id = %s", [data["location"]])  # noqa: S608 - fixed names
        ids[table] = [row[0] for row in cr.fetchall()]
        cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", [model, ids[table]])
        cr.execute("DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)", [model, ids[table]])
    for table in ("clinic_appointment", "clinic_appointment_series"):
        cr.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids[table]])  # noqa: S608 - fixed names
    cr.execute("DELETE FROM clinic_rate_limit WHERE key LIKE %s", [data["address"] + ".%"])
    env = env_of(cr)
    env.invalidate_all()
    env["res.partner"].search([("name", "=like", client_names)]).unlink()
    providers = env["clinic.provider"].browse(data.get("providers") or [data["provider"]])
    room = env["clinic.room"].browse(data.get("room") or [])
    resources = providers.resource_id | room.resource_id
    providers.unlink()
    room.unlink()
    resources.exists().unlink()
    env["clinic.service"].browse(data["service"]).unlink()
    env["clinic.location"].browse(data["location"]).unlink()
    env["resource.calendar"].browse(data["calendar"]).unlink()
    for name, value in saved.items():
        env["ir.config_parameter"].set_param(name, value or False)
