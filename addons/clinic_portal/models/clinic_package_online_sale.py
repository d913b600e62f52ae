import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import split_every

_logger = logging.getLogger(__name__)

# Transaction states of a payment made or under way: a purchase is then never given up.
PAYMENT_UNDER_WAY = ("pending", "authorized", "done")
# How long a payment started (draft transaction) keeps an unpaid purchase from expiring.
PAYMENT_STARTED_HOLDS = timedelta(days=1)


class ClinicPackage(models.Model):
    _inherit = "clinic.package"

    @api.model
    def _portal_can_pay_online(self, company):
        """Whether ``company``'s clients can pay online: Odoo's portal payment is on and the company
        has a published payment provider, enabled or in test mode (as the payment form offers them)."""
        if not company:
            return False
        enabled = self.env["ir.config_parameter"].sudo().get_param("account_payment.enable_portal_payment")
        if str(enabled).lower() not in ("true", "1"):
            return False
        # sudo: whether a provider exists; nothing of it is shown.
        return bool(self.env["payment.provider"].sudo().search_count([
            ("company_id", "=", company.id), ("state", "in", ("enabled", "test")), ("is_published", "=", True),
        ], limit=1))

    @api.model
    def _portal_open_purchases(self, partner, company):
        """The online package sales of ``partner`` with ``company`` still waiting for their payment."""
        return self.env["account.move"].search([
            ("partner_id", "=", partner.id), ("company_id", "=", company.id), ("move_type", "=", "out_invoice"),
            ("clinic_package_on_payment", "=", True), ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ], order="id desc")

    @api.model
    def _portal_buy(self, template, partner, company):
        """Sell one ``template`` package online to ``partner`` (the buyer themself) for ``company``:
        a posted customer invoice in the company's currency, flagged so that its package is created
        when it is paid in full (clinic_billing's ``_invoice_paid_hook``), never before. An unpaid
        online invoice of the same package for the same client is returned instead of a new one, so
        a client who comes back to pay does not owe it twice. Returns the invoice."""
        if not (isinstance(template, models.BaseModel) and template._name == "product.template" and len(template) == 1):
            raise ValidationError(self.env._("Choose one package to buy."))
        if not (isinstance(partner, models.BaseModel) and partner._name == "res.partner" and len(partner) == 1):
            raise ValidationError(self.env._("A package is bought by one client."))
        if not (isinstance(company, models.BaseModel) and company._name == "res.company" and len(company) == 1):
            raise ValidationError(self.env._("A package is bought from one clinic."))
        if template not in self.env["product.template"]._clinic_packages_for_sale(company):
            raise UserError(self.env._("This package is not sold online."))
        if not self._portal_can_pay_online(company):
            raise UserError(self.env._("Online payment is not available: please buy this package at the clinic."))
        product = template.product_variant_id
        Move = self.env["account.move"].with_company(company)
        for invoice in self._portal_open_purchases(partner, company):
            if invoice.payment_state == "not_paid" and invoice.invoice_line_ids.product_id == product:
                return invoice
        invoice = Move.create({
            "move_type": "out_invoice", "partner_id": partner.id, "company_id": company.id,
            "currency_id": company.currency_id.id, "invoice_date": fields.Date.context_today(self),
            "invoice_user_id": False, "clinic_package_on_payment": True,
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1.0})],
        })
        invoice.action_post()
        invoice.message_post(body=self.env._("Bought online by the client; the package is given once it is paid."))
        return invoice

    @api.model
    def _portal_cancel_purchase(self, invoice, partner):
        """``partner`` gives up their unpaid online purchase ``invoice``: it is cancelled (kept, as
        every invoice). Refused once a payment is made, under way or authorized."""
        if not (isinstance(invoice, models.BaseModel) and invoice._name == "account.move" and len(invoice) == 1):
            raise ValidationError(self.env._("Choose one purchase to cancel."))
        if not (isinstance(partner, models.BaseModel) and partner._name == "res.partner" and len(partner) == 1):
            raise ValidationError(self.env._("A purchase is cancelled by its buyer."))
        if invoice not in self._portal_open_purchases(partner, invoice.company_id):
            raise UserError(self.env._("This purchase is not waiting for a payment: it cannot be cancelled online."))
        self._cancel_unpaid_purchase(invoice, self.env._("Cancelled online by the client before paying."))
        return True

    @api.model
    def _cancel_unpaid_purchase(self, invoice, note):
        """Give up the online purchase ``invoice`` (one posted invoice flagged
        ``clinic_package_on_payment``): cancel it, keep it, and write ``note`` in its chatter. The one
        way a purchase is given up, by its client (``_portal_cancel_purchase``) or when it expires
        (``_cron_expire_online_purchases``). Refused (``UserError``) once anything was paid or a
        payment is under way: a payment registered (even in draft or without journal entry), a
        transaction pending, authorized or done."""
        invoice.ensure_one()
        if not (invoice.clinic_package_on_payment and invoice.move_type == "out_invoice"
                and invoice.state == "posted"):
            raise UserError(self.env._("This purchase is not waiting for a payment: it cannot be cancelled online."))
        busy = invoice.transaction_ids.filtered(lambda tx: tx.state in PAYMENT_UNDER_WAY) \
            or invoice.matched_payment_ids.filtered(lambda payment: payment.state not in ("canceled", "rejected"))
        if invoice.payment_state != "not_paid" or busy:
            raise UserError(self.env._(
                "A payment of this purchase is made or under way: it can no longer be cancelled online. "
                "Please contact the clinic."
            ))
        invoice.button_cancel()
        invoice.message_post(body=note)

    @api.model
    def _expired_purchases_domain(self, company, today):
        """The online purchases of ``company`` left unpaid longer than its setting allows on
        ``today``: not a cent paid, no payment registered, no transaction under way. Nothing when
        the setting is 0."""
        days = company.clinic_purchase_expiry_days
        if days <= 0:
            return expression.FALSE_DOMAIN
        return [
            ("company_id", "=", company.id), ("move_type", "=", "out_invoice"),
            ("clinic_package_on_payment", "=", True), ("state", "=", "posted"), ("payment_state", "=", "not_paid"),
            ("invoice_date", "<", today - timedelta(days=days)),
            ("transaction_ids", "not any", [("state", "in", PAYMENT_UNDER_WAY)]),
            # A payment started in the last day and not yet answered: the client may be on the
            # provider's page right now (one abandoned longer ago no longer holds the purchase).
            ("transaction_ids", "not any", [
                ("state", "=", "draft"), ("last_state_change", ">", fields.Datetime.now() - PAYMENT_STARTED_HOLDS),
            ]),
            ("matched_payment_ids", "not any", [("state", "not in", ("canceled", "rejected"))]),
        ]

    @api.model
    def _cron_expire_online_purchases(self, batch_size=100):
        """Scheduled job: give up the online package purchases left unpaid longer than each
        company's "Unpaid Online Purchases Expire After" (days; 0 = never), as their client's own
        Cancel does (``_cancel_unpaid_purchase``): the invoice is cancelled and kept, with a note
        saying why, and no longer counts in the client's balance. Never one with a payment made,
        registered or under way.

        Safe to run again (a cancelled purchase is no longer a candidate): each purchase under a
        savepoint, a failure logged and the others cancelled all the same (that one is tried again
        next run), in chunks of ``batch_size`` (prefetching), its progress reported to the cron
        (``ir.cron._notify_progress``). The scheduler commits the job's transaction at the end; a
        crash leaves every purchase as it was for the next run (the purchases left unpaid in a day
        are a handful, not a batch job's thousands)."""
        Move = self.env["account.move"]
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([("clinic_purchase_expiry_days", ">", 0)])
        domain = expression.OR([self._expired_purchases_domain(company, today) for company in companies])
        invoices = Move.search(domain, order="id") if companies else Move
        done = failed = 0
        for chunk in split_every(batch_size, invoices.ids, Move.browse):
            for invoice in chunk:
                invoice = invoice.with_company(invoice.company_id)
                try:
                    with self.env.cr.savepoint():
                        self.with_company(invoice.company_id)._cancel_unpaid_purchase(invoice, self.env._(
                            "Cancelled automatically: this online purchase was not paid within %(days)s days.",
                            days=invoice.company_id.clinic_purchase_expiry_days,
                        ))
                except (UserError, ValidationError) as error:
                    # Refused by a business rule (a locked period, a payment arrived meanwhile): staff
                    # look at it; it is tried again next run.
                    failed += 1
                    self.env.invalidate_all()  # the cache may hold what the savepoint rolled back
                    _logger.warning("Online purchase %s (id %s) could not be cancelled: %s",
                                    invoice.name, invoice.id, error)
                except Exception:  # noqa: BLE001 - one purchase must not stop the others; logged, retried next run
                    failed += 1
                    self.env.invalidate_all()
                    _logger.exception("Online purchase %s (id %s) could not be cancelled", invoice.name, invoice.id)
                else:
                    done += 1
            self.env["ir.cron"]._notify_progress(done=done + failed, remaining=len(invoices) - done - failed)
        if invoices:
            _logger.info("Online purchases left unpaid: %s cancelled, %s failed", done, failed)
        return done
