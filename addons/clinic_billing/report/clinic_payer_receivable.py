from odoo import fields, models
from odoo.tools import SQL

BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("over_90", "Over 90 Days"),
]


class ClinicPayerReceivable(models.Model):
    """What payers owe, by age: one row per posted customer invoice or credit note of a partner
    ticked as a clinic payer that is not paid (nor in payment), with what is left to pay and how
    long it is overdue. Odoo Community has no aged receivable report; this is the clinic's, for its
    payers. Invoices rather than journal items: with Odoo 18's default journals a registered payment
    makes the invoice "In Payment" before any entry reconciles its receivable, and what the payer
    owes is what the invoices say.

    Ages are counted on the day the report is read (the user's today, so that it follows Odoo's
    clock and time zone), which is why the rows are a query run at each read rather than a
    database view."""

    _name = "clinic.payer.receivable"
    _description = "Payer Receivables (Aging)"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"
    # Written by the ORM, read here by SQL: flushed before every read of the report.
    _depends = {
        "account.move": [
            "partner_id", "commercial_partner_id", "move_type", "journal_id", "invoice_date", "invoice_date_due",
            "date", "company_id", "amount_total_signed", "amount_residual_signed", "state", "payment_state",
        ],
        "res.partner": ["clinic_is_payer"],
    }

    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        selection=lambda self: self.env["account.move"]._fields["move_type"].selection, string="Type", readonly=True,
    )
    journal_id = fields.Many2one("account.journal", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(string="Original Amount", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    aging = fields.Selection(BUCKETS, readonly=True)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT move.id AS id,
                   move.commercial_partner_id AS partner_id,
                   move.id AS move_id,
                   move.move_type AS move_type,
                   move.journal_id AS journal_id,
                   move.invoice_date AS invoice_date,
                   due.day AS date_maturity,
                   move.company_id AS company_id,
                   company.currency_id AS currency_id,
                   move.amount_total_signed AS amount,
                   move.amount_residual_signed AS amount_residual,
                   GREATEST(overdue.days, 0) AS days_overdue,
                   CASE WHEN overdue.days <= 0 THEN 'not_due'
                        WHEN overdue.days <= 30 THEN '1_30'
                        WHEN overdue.days <= 60 THEN '31_60'
                        WHEN overdue.days <= 90 THEN '61_90'
                        ELSE 'over_90' END AS aging
              FROM account_move move
              JOIN res_company company ON company.id = move.company_id
              JOIN res_partner payer ON payer.id = move.commercial_partner_id
             CROSS JOIN LATERAL (SELECT COALESCE(move.invoice_date_due, move.invoice_date, move.date) AS day) due
             CROSS JOIN LATERAL (SELECT %(today)s::date - due.day AS days) overdue
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.payment_state IN ('not_paid', 'partial')
               AND move.amount_residual_signed != 0
               AND payer.clinic_is_payer
            """,
            today=today,
        )
