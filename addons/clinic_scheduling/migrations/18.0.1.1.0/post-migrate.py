"""Client messages become configuration (``clinic.message.rule``).

- Messages queued before point to the clinic-wide rule of their kind.
- The reminder lead times kept on services and locations become their own reminder rules (the
  fields now edit those rules), and the old columns go.
"""
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Rule = env["clinic.message.rule"].with_context(active_test=False)
    for kind in ("confirmation", "reminder", "reschedule", "cancellation", "no_show"):
        rule = Rule.search([("kind", "=", kind), ("service_ids", "=", False), ("location_ids", "=", False)],
                           order="active desc, sequence, id", limit=1)
        if rule:
            cr.execute("UPDATE clinic_appointment_message SET rule_id = %s WHERE kind = %s AND rule_id IS NULL",
                       [rule.id, kind])

    hours = {}
    for table, model in (("clinic_service", "clinic.service"), ("clinic_location", "clinic.location")):
        if column_exists(cr, table, "reminder_hours"):
            cr.execute(SQL("SELECT id, reminder_hours FROM %s WHERE reminder_hours IS NOT NULL", SQL.identifier(table)))
            hours[model] = dict(cr.fetchall())
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN reminder_hours", SQL.identifier(table)))
    # A service's hours replaced its location's when set; a location's applied unless zero (no reminder).
    for service_id, value in hours.get("clinic.service", {}).items():
        if value:
            env["clinic.service"].browse(service_id).reminder_hours = value
    clinic_wide = Rule._clinic_wide_reminder()._lead_hours()
    for location_id, value in hours.get("clinic.location", {}).items():
        if value != clinic_wide:
            env["clinic.location"].browse(location_id).reminder_hours = value
