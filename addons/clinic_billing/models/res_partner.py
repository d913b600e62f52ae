from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.clinic_scheduling.models.clinic_appointment import STAFF

# Who reads the billing side of a client or payer: the clinic's staff and the accountant.
BILLING_READERS = STAFF + ",account.group_account_invoice"
# What makes a contact a payer and how it pays.
PAYER_TERMS = {"clinic_is_payer", "clinic_pricelist_id", "clinic_requires_authorization", "clinic_authorization_policy",
               "clinic_counts_no_show"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    clinic_coverage_ids = fields.One2many(
        "clinic.coverage", "partner_id", string="Insurance Policies", groups=STAFF,
    )
    clinic_coverage_count = fields.Integer(
        string="Coverages", compute="_compute_clinic_coverage_count", groups=STAFF,
    )
    # A payer: an insurer, an employer or a motor-accident insurer that pays for clients' visits.
    clinic_is_payer = fields.Boolean(
        string="Clinic Payer", groups=BILLING_READERS,
        help="Pays for clients' visits under their coverage: an insurer, an employer, a motor-accident insurer.",
    )
    clinic_payer_kind = fields.Selection(
        [("insurer", "Health insurer"), ("employer", "Employer"), ("motor", "Motor-accident insurer"),
         ("public", "Public plan"), ("other", "Other")],
        string="Payer Type", default="insurer", groups=BILLING_READERS,
    )
    clinic_pricelist_id = fields.Many2one(
        "product.pricelist", string="Fee Schedule", groups=BILLING_READERS,
        help="The prices this payer agreed for the clinic's services; without one, the services' own prices apply.",
    )
    clinic_requires_authorization = fields.Boolean(
        string="Requires Authorization", groups=BILLING_READERS,
        help="Pays only for visits under an authorization (a treatment plan it approved).",
    )
    clinic_authorization_policy = fields.Selection(
        [("warn", "Warn"), ("block", "Refuse the booking")],
        string="Booking Beyond the Authorization", default="warn", groups=BILLING_READERS,
        help="What happens when a visit is booked in a case whose authorization from this payer is "
        "used up or expired.",
    )
    clinic_counts_no_show = fields.Boolean(
        string="No-Shows Use a Visit", groups=BILLING_READERS,
        help="A missed appointment uses one of the approved visits of its authorization.",
    )
    clinic_balance_due = fields.Monetary(
        string="Clinic Balance", compute="_compute_clinic_balance", groups=BILLING_READERS,
        currency_field="clinic_currency_id", help="Posted invoices not yet paid, credit notes deducted.",
    )
    clinic_balance_overdue = fields.Monetary(
        string="Overdue", compute="_compute_clinic_balance", groups=BILLING_READERS,
        currency_field="clinic_currency_id",
    )
    clinic_currency_id = fields.Many2one("res.currency", compute="_compute_clinic_balance", groups=BILLING_READERS)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_payer_terms(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_payer_terms(vals)
        return super().write(vals)

    def _check_payer_terms(self, vals):
        """A payer's terms (and making a contact a payer) are the manager's or the accountant's, not
        the front desk's, who edits contacts otherwise."""
        if PAYER_TERMS & {key for key, value in vals.items() if value} and not self.env.su and not (
            self.env.user.has_group("clinic_scheduling.group_clinic_manager")
            or self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(self.env._("A payer's terms are set by the clinic manager or the accountant."))

    def _compute_clinic_coverage_count(self):
        counts = dict(self.env["clinic.coverage"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        ))
        for partner in self:
            partner.clinic_coverage_count = counts.get(partner, 0)

    def _compute_clinic_balance(self):
        balances = self._get_clinic_balances()
        for partner in self:
            partner.clinic_balance_due, partner.clinic_balance_overdue = balances.get(partner.id, (0.0, 0.0))
            partner.clinic_currency_id = self.env.company.currency_id

    def _get_clinic_balances(self, company=None):
        """{partner id: (due, overdue)} in ``company``'s currency (default: the current companies,
        for the partner form), for many partners in one query:
        what their posted invoices (less credit notes) still ask, as the invoices say it (an invoice
        "In Payment" is not owed, even before the bank reconciles it).

        sudo: staff who book see what a client owes (a figure, not the ledger); the fields that call
        this are restricted to staff and accountants, and the query is narrowed to these partners'
        unpaid invoices in the current companies."""
        if not self.ids:
            return {}
        today = fields.Date.context_today(self)
        groups = self.env["account.move"].sudo()._read_group(
            [("partner_id", "in", self.ids), ("move_type", "in", ("out_invoice", "out_refund")),
             ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial")),
             ("company_id", "in", (company or self.env.companies).ids)],
            ["partner_id", "invoice_date_due:day"], ["amount_residual_signed:sum"],
        )
        result = {}
        for partner, maturity, residual in groups:
            due, overdue = result.get(partner.id, (0.0, 0.0))
            result[partner.id] = (due + residual, overdue + (residual if maturity and maturity < today else 0.0))
        return result

    def action_view_clinic_coverages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_billing.clinic_coverage_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "active_test": False}
        return action
