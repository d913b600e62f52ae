from odoo import fields, models, tools
from odoo.tools import SQL


class ClinicRevenueReport(models.Model):
    """Revenue of the clinic's visits, from the accounting itself: one row per posted customer
    invoice or credit-note line of an appointment, untaxed, in the company's currency. Credit notes
    count negative, so a reversed visit nets to nothing. Analysed by provider, service, location,
    client and who was billed (a payer or the client)."""

    _name = "clinic.revenue.report"
    _description = "Clinic Revenue Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"
    # Written by the ORM, read here by SQL: flushed before every read of the report.
    _depends = {
        "account.move.line": [
            "move_id", "product_id", "clinic_appointment_id", "clinic_charge_id", "clinic_authorization_id",
            "company_id", "company_currency_id", "quantity", "balance", "display_type",
        ],
        "account.move": ["invoice_date", "date", "move_type", "state", "partner_id", "commercial_partner_id"],
        "clinic.appointment": ["provider_id", "service_id", "location_id", "partner_id"],
        "clinic.charge": ["is_payer_share"],
        "res.partner": ["clinic_is_payer"],
    }

    date = fields.Date(string="Invoice Date", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")], string="Type", readonly=True,
    )
    product_id = fields.Many2one("product.product", readonly=True)
    appointment_id = fields.Many2one("clinic.appointment", string="Appointment", readonly=True)
    provider_id = fields.Many2one("clinic.provider", string="Provider", readonly=True)
    service_id = fields.Many2one("clinic.service", string="Service", readonly=True)
    location_id = fields.Many2one("clinic.location", string="Location", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    debtor_id = fields.Many2one("res.partner", string="Billed To", readonly=True)
    is_payer = fields.Boolean(
        string="Billed to a Payer", readonly=True,
        help="The line bills a payer's share (not the client's own share).",
    )
    authorization_id = fields.Many2one("clinic.authorization", string="Authorization", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    quantity = fields.Float(readonly=True, help="Credit notes count negative.")
    revenue = fields.Monetary(
        string="Revenue (untaxed)", readonly=True, help="In the company's currency; credit notes count negative.",
    )

    def _query(self):
        # is_payer: the charge's own flag when the line bills a charge; a credit note line has no
        # charge of its own, so it is a payer's when its debtor's company is a payer other than
        # the client (an employee client whose employer is a payer is still the client).
        return SQL(
            """
            SELECT line.id AS id,
                   COALESCE(move.invoice_date, move.date) AS date,
                   move.id AS move_id,
                   move.move_type AS move_type,
                   line.product_id AS product_id,
                   appointment.id AS appointment_id,
                   appointment.provider_id AS provider_id,
                   appointment.service_id AS service_id,
                   appointment.location_id AS location_id,
                   appointment.partner_id AS partner_id,
                   move.partner_id AS debtor_id,
                   COALESCE(charge.is_payer_share,
                            COALESCE(debtor.clinic_is_payer, FALSE) AND move.partner_id != appointment.partner_id
                   ) AS is_payer,
                   line.clinic_authorization_id AS authorization_id,
                   line.company_id AS company_id,
                   line.company_currency_id AS currency_id,
                   CASE WHEN move.move_type = 'out_refund' THEN -line.quantity ELSE line.quantity END AS quantity,
                   -line.balance AS revenue
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN clinic_appointment appointment ON appointment.id = line.clinic_appointment_id
              LEFT JOIN res_partner debtor ON debtor.id = move.commercial_partner_id
              LEFT JOIN clinic_charge charge ON charge.id = line.clinic_charge_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND line.display_type = 'product'
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
