from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            # Odoo 18 settles an invoice with a payment that has no journal entry (its journal has
            # no outstanding account, as by default) through the payment's state alone: nothing is
            # reconciled, so the invoice's paid hook never runs. An online package sale paid so
            # gives its package here.
            self.invoice_ids._clinic_give_paid_packages()
        return result
