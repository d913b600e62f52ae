from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError


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
        busy = invoice.transaction_ids.filtered(lambda tx: tx.state in ("pending", "authorized", "done"))
        if invoice.payment_state != "not_paid" or busy:
            raise UserError(self.env._(
                "A payment of this purchase is made or under way: it can no longer be cancelled online. "
                "Please contact the clinic."
            ))
        invoice.button_cancel()
        invoice.message_post(body=self.env._("Cancelled online by the client before paying."))
        return True
