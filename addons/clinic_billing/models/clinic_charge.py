from itertools import groupby

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import formatLang

INVOICE_KEYS = {
    "visit": lambda charge: f"visit:{charge.appointment_id.id}",
    "day": lambda charge: f"day:{charge.date}",
    "month": lambda charge: f"month:{charge.date:%Y-%m}",
}


class ClinicCharge(models.Model):
    """One debtor's share of what an appointment charged (the visit, a no-show or a late-cancel
    fee): the client's share or a payer's, with the invoice line that bills it. The shares of one
    charge always add up to its price. Charges are never deleted: undoing a completion marks them
    reversed and the invoice line leaves its draft or is credited."""
    _name = "clinic.charge"
    _description = "Visit Charge"
    _order = "date desc, id desc"
    _check_company_auto = True

    appointment_id = fields.Many2one(
        "clinic.appointment", required=True, index=True, readonly=True, ondelete="restrict",
    )
    kind = fields.Selection(
        [("visit", "Visit"), ("no_show", "No-show fee"), ("late_cancel", "Late-cancel fee")],
        required=True, readonly=True,
    )
    debtor_id = fields.Many2one("res.partner", string="Billed To", required=True, index=True, readonly=True)
    is_payer_share = fields.Boolean(string="Payer's Share", readonly=True)
    coverage_id = fields.Many2one("clinic.coverage", index="btree_not_null", readonly=True)
    authorization_id = fields.Many2one("clinic.authorization", index="btree_not_null", readonly=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    price = fields.Monetary(readonly=True, help="The whole price of the visit or fee, all shares together.")
    amount = fields.Monetary(readonly=True, help="This debtor's share.")
    deductible_amount = fields.Monetary(
        readonly=True, help="The part of the price the client paid toward this coverage's yearly deductible.",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    move_line_id = fields.Many2one("account.move.line", string="Invoice Line", readonly=True, index="btree_not_null")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, index="btree_not_null")
    reversal_move_id = fields.Many2one("account.move", string="Credit Note", readonly=True)
    state = fields.Selection([("charged", "Charged"), ("reversed", "Reversed")], default="charged", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    def _forget(self, why):
        """These charges bill nothing any more (their invoice line went another way than an undo):
        they are marked reversed, which lists a completed visit among those not charged, and the
        appointment says why.

        sudo: called from accounting's own changes (deleting a line, cancelling an invoice), which
        the user was allowed to make; only the clinic's record of it is written."""
        today = fields.Date.context_today(self)
        for charge in self.sudo():
            charge.state = "reversed"
            if charge.authorization_id:
                # The visit's use of the plan goes with its payer's charge: charged again, it uses
                # the plan again, once.
                charge.appointment_id.usage_ids.filtered(
                    lambda u, c=charge: u.authorization_id == c.authorization_id and not u.reversed
                    and u.kind == c.kind
                )._reverse(today)
            charge.appointment_id.message_post(body=self.env._(
                "%(who)s's share (%(amount)s) is no longer billed: %(why)s.",
                who=charge.debtor_id.name, amount=formatLang(self.env, charge.amount, currency_obj=charge.currency_id),
                why=why,
            ), subtype_xmlid="mail.mt_note")

    def _grouping(self):
        self.ensure_one()
        company = self.company_id
        return company.clinic_payer_invoice_grouping if self.is_payer_share else company.clinic_client_invoice_grouping

    def _waits_for_period(self):
        """A payer's share invoiced by month waits for the daily job."""
        self.ensure_one()
        return self._grouping() == "month"

    def _invoice(self):
        """Put these charges on their debtors' invoices: each on the draft it is grouped with (per
        visit, client and day, or payer and month, as the company chose) or a new one, all the lines
        of one invoice in one write. Invoices per visit or per day are posted at once when the
        company posts clinic invoices. Charges of nothing are left off.

        Called with sudo by the state changes and the daily job (see ``_clinic_charge``)."""
        todo = self.filtered(lambda c: c.state == "charged" and not c.move_line_id
                             and not c.currency_id.is_zero(c.amount))

        def group_key(charge):
            return charge.company_id.id, charge.debtor_id.id, INVOICE_KEYS[charge._grouping()](charge)

        for (company_id, debtor_id, key), group in groupby(todo.sorted(lambda c: (group_key(c), c.id)), group_key):
            charges = self.browse([charge.id for charge in group])
            company, debtor = charges.company_id, charges.debtor_id
            Move = self.env["account.move"].with_company(company)
            move = Move.search([
                ("move_type", "=", "out_invoice"), ("state", "=", "draft"), ("partner_id", "=", debtor_id),
                ("company_id", "=", company_id), ("clinic_invoice_key", "=", key),
            ], limit=1)
            lines = [Command.create(charge.appointment_id._clinic_line_vals(charge)) for charge in charges]
            if move:
                move.write({"invoice_line_ids": lines})
            else:
                invoice_date = charges[0].date if not key.startswith("month:") else False
                values = {
                    "move_type": "out_invoice", "partner_id": debtor_id, "company_id": company_id,
                    "clinic_invoice_key": key, "invoice_date": invoice_date,
                    "invoice_origin": ", ".join(charges.appointment_id.mapped("name"))[:200],
                    "invoice_line_ids": lines,
                }
                if invoice_date and not debtor.with_company(company).property_payment_term_id:
                    # Without payment terms Odoo makes an invoice due the day it is created: a visit
                    # charged after its day is due on that day, as if invoiced then.
                    values["invoice_date_due"] = invoice_date
                move = Move.create(values)
            by_charge = {line.clinic_charge_id: line for line in move.invoice_line_ids}
            for charge in charges:
                charge.write({"move_line_id": by_charge[charge].id, "move_id": move.id})
            if company.clinic_invoice_auto_post and key.startswith("visit:"):
                move.action_post()
        return True

    @api.model
    def _cron_invoice_pending(self):
        """Once a day: the payers' shares waiting for their monthly invoice go on it (one write per
        invoice); when the company posts clinic invoices, the drafts of days and months that are over
        are posted (a day's or a month's invoice is posted once it is complete)."""
        pending = self.search([("state", "=", "charged"), ("move_line_id", "=", False), ("amount", "!=", 0)])
        pending._invoice()
        today = fields.Date.context_today(self)
        drafts = self.env["account.move"].search([
            ("move_type", "=", "out_invoice"), ("state", "=", "draft"), ("clinic_invoice_key", "!=", False),
            ("company_id.clinic_invoice_auto_post", "=", True),
        ])
        to_post = self.env["account.move"]
        for move in drafts:
            kind, _sep, period = move.clinic_invoice_key.partition(":")
            if kind == "day" and period < today.isoformat():
                to_post |= move
            elif kind == "month" and period < today.strftime("%Y-%m"):
                # Dated the last day of its month, the period it bills.
                year, month = map(int, period.split("-"))
                first_next = fields.Date.to_date(f"{year + month // 12}-{month % 12 + 1:02d}-01")
                move.invoice_date = fields.Date.subtract(first_next, days=1)
                to_post |= move
        to_post.action_post()
        return True

    def action_invoice_now(self):
        """Put the selected payers' shares that wait for their monthly invoice on it now."""
        self.check_access("read")
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only invoicing users put charges on invoices."))
        # sudo: checked above; writes the invoices and the charges' links to them.
        self.sudo()._invoice()
        return True
