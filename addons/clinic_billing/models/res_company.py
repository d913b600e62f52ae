from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clinic_client_invoice_grouping = fields.Selection(
        [("visit", "One invoice per visit"), ("day", "One invoice per client and day")],
        string="Client Invoices", default="visit", required=True,
    )
    clinic_payer_invoice_grouping = fields.Selection(
        [("visit", "One invoice per visit"), ("month", "One invoice per payer and month")],
        string="Payer Invoices", default="visit", required=True,
        help="Per month: the payers' shares are put on the payer's invoice for the month once a day; "
        "with Post Clinic Invoices, that invoice is posted once the month is over.",
    )
    clinic_invoice_auto_post = fields.Boolean(
        string="Post Clinic Invoices",
        help="Post the invoices of completed visits at once instead of leaving drafts (a payer's monthly invoice "
        "once its month is over).",
    )
    clinic_balance_policy = fields.Selection(
        [("none", "Nothing"), ("warn", "Warn"), ("block", "Refuse the booking")],
        string="Client Balance Above the Limit", default="warn", required=True,
    )
    clinic_balance_limit = fields.Monetary(
        string="Balance Limit", currency_field="currency_id", default=500.0,
        help="What a client may owe before staff are warned (or the booking is refused).",
    )
    clinic_reassess_visits = fields.Integer(
        string="Reassess at Visits Left", default=2,
        help="When an authorization has this many visits left, its case's provider is asked to reassess "
        "or request a renewal.",
    )
    clinic_reassess_days = fields.Integer(
        string="Reassess Days Before Expiry", default=14,
        help="When an authorization expires within this many days, its case's provider is asked to "
        "reassess or request a renewal.",
    )
