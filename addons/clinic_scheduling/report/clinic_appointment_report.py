from odoo import fields, models
from odoo.tools import SQL

from ..models.clinic_appointment import ACTIVE_STATES

REBOOK_DAYS = 30


class ClinicAppointmentReport(models.Model):
    """One row per appointment, with what a clinic measures: no-show and cancellation rates by
    provider, service, weekday and local hour; booking lead time; rebooking after a visit."""

    _name = "clinic.appointment.report"
    _description = "Appointment Analysis"
    _auto = False
    _order = "start desc"
    _rec_name = "start"

    start = fields.Datetime(readonly=True)
    weekday = fields.Selection(
        [("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday"),
         ("6", "Saturday"), ("7", "Sunday")], readonly=True, help="In the location's time zone.",
    )
    hour = fields.Integer(string="Hour (local)", readonly=True, aggregator=False)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    provider_id = fields.Many2one("clinic.provider", readonly=True)
    service_id = fields.Many2one("clinic.service", readonly=True)
    location_id = fields.Many2one("clinic.location", readonly=True)
    room_id = fields.Many2one("clinic.room", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection(selection=lambda self: self.env["clinic.appointment"]._fields["state"].selection,
                             readonly=True)
    source = fields.Selection(selection=lambda self: self.env["clinic.appointment"]._fields["source"].selection,
                              readonly=True)
    appointment_count = fields.Integer(string="Appointments", readonly=True)
    due_count = fields.Integer(string="Due (done or no-show)", readonly=True)
    no_show_count = fields.Integer(string="No-Shows", readonly=True)
    cancel_count = fields.Integer(string="Cancellations", readonly=True)
    late_cancel_count = fields.Integer(string="Late Cancellations", readonly=True)
    no_show_rate = fields.Float(string="No-Show Rate (%)", readonly=True, aggregator="avg",
                                help="Share of due appointments (done or no-show) that were no-shows.")
    cancel_rate = fields.Float(string="Cancellation Rate (%)", readonly=True, aggregator="avg")
    booked_hours = fields.Float(readonly=True, help="Hours held by appointments that took place or will.")
    lead_time_days = fields.Float(string="Lead Time (days)", readonly=True, aggregator="avg",
                                  help="Days between booking and appointment.")
    visit_count = fields.Integer(string="Visits (done)", readonly=True)
    rebooked_count = fields.Integer(string=f"Rebooked within {REBOOK_DAYS} days", readonly=True,
                                    help="Done visits after which the client had another appointment booked within "
                                         f"{REBOOK_DAYS} days.")
    rebooking_rate = fields.Float(string="Rebooking Rate (%)", readonly=True, aggregator="avg")

    def _query(self):
        return SQL(
            """
            SELECT a.id, a.start, a.partner_id, a.provider_id, a.service_id, a.location_id, a.room_id,
                   a.company_id, a.state, a.source,
                   EXTRACT(ISODOW FROM local.start)::text AS weekday,
                   EXTRACT(HOUR FROM local.start)::int AS hour,
                   1 AS appointment_count,
                   (a.state IN ('done', 'no_show'))::int AS due_count,
                   (a.state = 'no_show')::int AS no_show_count,
                   (a.state = 'cancelled')::int AS cancel_count,
                   (a.late_cancel IS TRUE)::int AS late_cancel_count,
                   CASE WHEN a.state = 'no_show' THEN 100.0 WHEN a.state = 'done' THEN 0.0 END AS no_show_rate,
                   CASE WHEN a.state = 'cancelled' THEN 100.0 ELSE 0.0 END AS cancel_rate,
                   CASE WHEN a.state IN %(active)s
                        THEN EXTRACT(EPOCH FROM a.stop - a.start) / 3600.0 ELSE 0 END AS booked_hours,
                   EXTRACT(EPOCH FROM a.start - COALESCE(a.booked_at, a.create_date)) / 86400.0 AS lead_time_days,
                   (a.state = 'done')::int AS visit_count,
                   (a.state = 'done' AND next_visit.id IS NOT NULL)::int AS rebooked_count,
                   CASE WHEN a.state = 'done' THEN
                        CASE WHEN next_visit.id IS NOT NULL THEN 100.0 ELSE 0.0 END END AS rebooking_rate
              FROM clinic_appointment a
              JOIN clinic_location l ON l.id = a.location_id
             CROSS JOIN LATERAL (
                   SELECT (a.start AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(l.tz, 'UTC') AS start
             ) local
              LEFT JOIN LATERAL (
                   SELECT n.id FROM clinic_appointment n
                    WHERE n.partner_id = a.partner_id AND n.id != a.id
                      AND n.state IN %(active)s
                      AND n.start > a.start AND n.start <= a.start + interval %(days)s
                    LIMIT 1
             ) next_visit ON a.state = 'done'
            """,
            days=f"{REBOOK_DAYS} days", active=ACTIVE_STATES,
        )

    @property
    def _table_query(self):
        return self._query()
