from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    clinic_invoice_key = fields.Char(
        index="btree_not_null", copy=False, readonly=True,
        help="Which visits this draft gathers (per visit, client and day, or payer and month).",
    )
    clinic_appointment_count = fields.Integer(compute="_compute_clinic_appointment_count")
    clinic_package_on_payment = fields.Boolean(
        string="Package Given When Paid", copy=False, readonly=True,
        help="An online sale of a prepaid package: the package's sessions are given when this invoice is "
        "fully paid, not when it is posted.",
    )

    @api.depends("line_ids.clinic_appointment_id")
    def _compute_clinic_appointment_count(self):
        for move in self:
            move.clinic_appointment_count = len(move.line_ids.clinic_appointment_id)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # An online sale gives its package when paid (_invoice_paid_hook), not at posting.
        invoices = posted.filtered(lambda m: m.move_type == "out_invoice" and not m.clinic_package_on_payment)
        if invoices:
            # sudo: packages are created from what was just sold, by whoever may post the invoice.
            self.env["clinic.package"].sudo()._create_from_invoice_lines(invoices.invoice_line_ids)
        refunds = posted.filtered(lambda m: m.move_type == "out_refund" and m.reversed_entry_id)
        # A credit note of a clinic invoice made in Invoicing (not by an undo, whose charges are
        # already reversed): the visits it credits are no longer billed, and an undo later must not
        # credit them a second time.
        refunds.reversed_entry_id.line_ids.clinic_charge_id.filtered(lambda c: c.state == "charged")._forget(
            self.env._("its invoice was credited")
        )
        if refunds:
            packages = self.env["clinic.package"].sudo().search(
                [("move_line_id.move_id", "in", refunds.reversed_entry_id.ids)]
            )
            for package in packages:
                if package.sessions_used:
                    package.message_post(body=self.env._(
                        "The invoice of this package was credited, but %s session(s) were already used: "
                        "the package stays; settle the difference with the client.", package.sessions_used,
                    ))
                else:
                    package.message_post(body=self.env._("The invoice of this package was credited: package closed."))
                    package.active = False
        return posted

    def write(self, vals):
        result = super().write(vals)
        if "matched_payment_ids" in vals:
            # Registering a payment links it here once posted (account.payment.register): without a
            # journal entry nothing is reconciled and this link is what settles the invoice.
            self._clinic_give_paid_packages()
        return result

    def _invoice_paid_hook(self):
        """An online package sale is fully paid (reconciled with its payment): its package is
        created now. See :meth:`_clinic_give_paid_packages`."""
        result = super()._invoice_paid_hook()
        self._clinic_give_paid_packages()
        return result

    def _clinic_give_paid_packages(self):
        """The packages of those of these online package sales that are fully paid. Called when an
        invoice becomes paid by reconciliation (``_invoice_paid_hook``) and when a payment linked to
        it changes state (a payment without a journal entry settles an invoice without any
        reconciliation: account.payment's write, or the invoice's when the payment is linked to it);
        ``_create_from_invoice_lines`` creates one
        package per invoice line at most, so a payment seen twice gives one package."""
        paid = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"
                             and m.clinic_package_on_payment and m.payment_state in ("paid", "in_payment"))
        if paid:
            # sudo: whoever (or whichever payment) settles the invoice gives the package it sold.
            self.env["clinic.package"].sudo()._create_from_invoice_lines(paid.invoice_line_ids)

    def button_draft(self):
        revived = self.filtered(lambda m: m.state == "cancel" and any(
            charge.state == "reversed" for charge in m.line_ids.clinic_charge_id))
        if revived:
            raise UserError(self.env._(
                "%s billed clinic visits that are listed as not charged since it was cancelled: charge them "
                "again from the visits (Charge) instead of reviving this invoice.", revived[0].display_name,
            ))
        return super().button_draft()

    def button_cancel(self):
        charges = self.line_ids.clinic_charge_id.filtered(lambda c: c.state == "charged")
        result = super().button_cancel()
        charges._forget(self.env._("its invoice was cancelled"))
        return result

    def action_view_clinic_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_scheduling.clinic_appointment_action")
        action["domain"] = [("id", "in", self.line_ids.clinic_appointment_id.ids)]
        action["context"] = {}
        return action
