from odoo import fields, models
from odoo.tools.misc import formatLang


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
        for charge in self.sudo():
            charge.state = "reversed"
            charge.appointment_id.message_post(body=self.env._(
                "%(who)s's share (%(amount)s) is no longer billed: %(why)s.",
                who=charge.debtor_id.name, amount=formatLang(self.env, charge.amount, currency_obj=charge.currency_id),
                why=why,
            ), subtype_xmlid="mail.mt_note")
