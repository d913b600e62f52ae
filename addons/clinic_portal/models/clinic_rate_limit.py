from datetime import datetime, timedelta

from odoo import api, fields, models, modules
from odoo.tools import SQL

# Default limits per scope: (requests, seconds) for one visitor (an IP address or an email).
# A clinic changes them with system parameters named clinic_portal.rate_limit.<scope>, e.g. "30/60".
DEFAULT_LIMITS = {
    "appointment_link": (30, 60),  # private appointment links opened (guessing tokens)
    "availability": (120, 60),  # free times looked up
    "booking": (10, 600),  # booking attempts
    "waitlist": (5, 3600),  # waitlist sign-ups
}


class ClinicRateLimit(models.Model):
    """How many requests a visitor (an IP address, or an email) made in the current window of a
    scope. Public pages count here before doing work and answer 429 beyond the scope's limit, so
    that nobody can guess private links, scrape availability or flood bookings from the web."""

    _name = "clinic.rate.limit"
    _description = "Public Request Counter"
    _log_access = False

    scope = fields.Char(required=True)
    key = fields.Char(required=True, help="Who: an IP address or an email.")
    window_start = fields.Datetime(required=True)
    count = fields.Integer(required=True, default=0)

    _sql_constraints = [("one_counter", "unique (scope, key, window_start)", "One counter per window.")]

    @api.model
    def _limit(self, scope):
        """(requests, seconds) allowed to one visitor in ``scope``."""
        default = DEFAULT_LIMITS[scope]
        value = self.env["ir.config_parameter"].sudo().get_param(f"clinic_portal.rate_limit.{scope}") or ""
        try:
            count, seconds = (int(part) for part in value.split("/"))
        except ValueError:
            return default
        return (count, seconds) if count > 0 and seconds > 0 else default

    @api.model
    def _hit(self, scope, key, now=None):
        """Count one request of ``key`` in ``scope``; return the seconds until the window ends when
        the limit is exceeded, else 0. One statement, safe under concurrent requests.

        The counter is written in a short transaction of its own, READ COMMITTED, committed at
        once: a visitor's counter row is locked for one statement, not for their whole request, so
        their simultaneous requests (an office behind one address, a site calling the API) neither
        wait for one another nor fail to serialize (an upsert of a row another transaction updated
        after this one's snapshot does, in Odoo's REPEATABLE READ). A request that fails later
        still counts. Inside Odoo's own test runner, whose test is one transaction rolled back at
        the end, the counter is written in that transaction instead.

        Plain SQL for the atomic upsert: the counters are the system's own, written for any
        visitor (public user included), and reveal nothing.
        """
        limit, seconds = self._limit(scope)
        now = now or fields.Datetime.now()
        epoch = int((now - datetime(1970, 1, 1)).total_seconds())
        window_start = now - timedelta(seconds=epoch % seconds, microseconds=now.microsecond)
        upsert = SQL(
            """
            INSERT INTO clinic_rate_limit (scope, key, window_start, count) VALUES (%s, %s, %s, 1)
            ON CONFLICT (scope, key, window_start) DO UPDATE SET count = clinic_rate_limit.count + 1
            RETURNING count
            """, scope, (key or "")[:256], window_start,
        )
        if modules.module.current_test:
            self.env.cr.execute(upsert)
            count = self.env.cr.fetchone()[0]
        else:
            with self.env.registry.cursor() as cr:
                # A counter lost in a crash is harmless: its commit need not wait for the disk.
                # The settings and the upsert go in one round trip (its result is the upsert's).
                cr.execute(SQL(
                    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO OFF; %s",
                    upsert,
                ))
                count = cr.fetchone()[0]
        if count <= limit:
            return 0
        return max(int((window_start + timedelta(seconds=seconds) - now).total_seconds()), 1)

    @api.model
    def _gc_counters(self):
        """Forget counters older than a day (scheduled job)."""
        self.env.cr.execute(SQL(
            "DELETE FROM clinic_rate_limit WHERE window_start < %s", fields.Datetime.now() - timedelta(days=1),
        ))
