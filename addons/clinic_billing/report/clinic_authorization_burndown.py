from odoo import fields, models, tools
from odoo.tools import SQL


class ClinicAuthorizationBurndown(models.Model):
    """How an authorization's approved visits were used over time: one row at its start (nothing
    used yet) and one per day its usage changed (a visit or a counted no-show used, a use given
    back), with what was used and what was left at the end of that day.

    The figures come from the usage lines, never from the authorization's counters, so a day's row
    stays what it was. ``Approved`` is what the authorization approves today (a renewal that raised
    it shows on every row). ``Remaining`` is approved minus used (empty when the plan approves no
    visits, or no amount): visits booked but not yet done are not deducted (the authorization's own
    Remaining deducts them)."""

    _name = "clinic.authorization.burndown"
    _description = "Authorization Burn-Down"
    _auto = False
    _order = "authorization_id, date"
    _rec_name = "authorization_id"
    # Written by the ORM, read here by SQL: flushed before every read of the report.
    _depends = {
        "clinic.authorization": [
            "date_start", "case_id", "partner_id", "payer_id", "company_id", "visits_approved", "amount_approved",
        ],
        "clinic.usage": ["authorization_id", "date", "visits", "amount"],
        "res.company": ["currency_id"],
    }

    authorization_id = fields.Many2one("clinic.authorization", string="Authorization", readonly=True)
    date = fields.Date(readonly=True)
    case_id = fields.Many2one("clinic.case", string="Case File", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    payer_id = fields.Many2one("res.partner", string="Payer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    # Figures at the end of the day: per authorization they are levels, not amounts to add up,
    # so a period shows its extreme (the most used, the least left) rather than a sum.
    visits_approved = fields.Integer(string="Approved Visits", readonly=True, aggregator="max")
    visits_change = fields.Integer(
        string="Visits Used That Day", readonly=True, help="Visits used that day, less the uses given back.",
    )
    visits_used = fields.Integer(string="Visits Used to Date", readonly=True, aggregator="max")
    visits_remaining = fields.Integer(readonly=True, aggregator="min")
    amount_approved = fields.Monetary(string="Approved Amount", readonly=True, aggregator="max")
    amount_used = fields.Monetary(string="Amount Used to Date", readonly=True, aggregator="max")
    amount_remaining = fields.Monetary(readonly=True, aggregator="min")

    def _query(self):
        return SQL(
            """
            WITH changes AS (
                SELECT authorization_id, date, SUM(visits) AS visits, SUM(amount) AS amount
                  FROM (
                        SELECT id AS authorization_id, date_start AS date, 0 AS visits, 0.0 AS amount
                          FROM clinic_authorization
                         UNION ALL
                        SELECT authorization_id, date, visits, COALESCE(amount, 0.0)
                          FROM clinic_usage
                         WHERE authorization_id IS NOT NULL
                       ) moves
                 GROUP BY authorization_id, date
            ), running AS (
                SELECT authorization_id, date, visits::int AS visits,
                       (SUM(visits) OVER w)::int AS visits_used,
                       SUM(amount) OVER w AS amount_used
                  FROM changes
                WINDOW w AS (PARTITION BY authorization_id ORDER BY date
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY running.authorization_id, running.date) AS id,
                   running.authorization_id,
                   running.date,
                   plan.case_id,
                   plan.partner_id,
                   plan.payer_id,
                   plan.company_id,
                   company.currency_id,
                   plan.visits_approved,
                   running.visits AS visits_change,
                   running.visits_used,
                   CASE WHEN plan.visits_approved > 0
                        THEN plan.visits_approved - running.visits_used END AS visits_remaining,
                   plan.amount_approved,
                   running.amount_used,
                   CASE WHEN plan.amount_approved > 0
                        THEN plan.amount_approved - running.amount_used END AS amount_remaining
              FROM running
              JOIN clinic_authorization plan ON plan.id = running.authorization_id
              JOIN res_company company ON company.id = plan.company_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
