from odoo import fields, models
from odoo.tools import SQL


class ClinicUsage(models.Model):
    """A dated use of an authorization's visit or a package's session by an appointment, or the
    reversal of one. Lines are never changed nor deleted: a reversal is a line of its own."""
    _name = "clinic.usage"
    _description = "Authorization or Package Usage"
    _order = "date desc, id desc"

    authorization_id = fields.Many2one(
        "clinic.authorization", index="btree_not_null", readonly=True, ondelete="restrict",
    )
    package_id = fields.Many2one("clinic.package", index="btree_not_null", readonly=True, ondelete="restrict")
    appointment_id = fields.Many2one("clinic.appointment", index=True, readonly=True, ondelete="restrict")
    partner_id = fields.Many2one(related="appointment_id.partner_id", string="Client")
    service_id = fields.Many2one(related="appointment_id.service_id")
    date = fields.Date(required=True, readonly=True)
    kind = fields.Selection(
        [("visit", "Visit"), ("no_show", "No-show"), ("reversal", "Reversal")], required=True, readonly=True,
    )
    visits = fields.Integer(readonly=True, help="+1 for a use, -1 for its reversal.")
    amount = fields.Monetary(readonly=True, help="What the payer was charged for this visit under the plan.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    reversed = fields.Boolean(readonly=True, help="Given back (or the line giving it back).")
    reversal_id = fields.Many2one("clinic.usage", readonly=True)

    _sql_constraints = [
        ("one_target", "check ((authorization_id IS NULL) != (package_id IS NULL))",
         "A usage line belongs to an authorization or to a package."),
    ]

    def _reverse(self, day):
        """Give back what these lines used (a completion or no-show undone): the counter of their
        authorization or package goes down, and each gets a reversing line dated ``day``."""
        for usage in self.filtered(lambda u: not u.reversed):
            if usage.authorization_id:
                self.env.cr.execute(SQL(
                    "UPDATE clinic_authorization SET visits_used = visits_used - %s, amount_used = amount_used - %s "
                    "WHERE id = %s", usage.visits, usage.amount, usage.authorization_id.id,
                ))
                target, counters = usage.authorization_id, ["visits_used", "amount_used"]
            else:
                self.env.cr.execute(SQL(
                    "UPDATE clinic_package SET sessions_used = sessions_used - %s WHERE id = %s",
                    usage.visits, usage.package_id.id,
                ))
                target, counters = usage.package_id, ["sessions_used"]
            target.invalidate_recordset(counters)
            target.modified(counters)
            reversal = usage.copy({
                "visits": -usage.visits, "amount": -usage.amount, "date": day, "kind": "reversal", "reversed": True,
            })
            usage.write({"reversed": True, "reversal_id": reversal.id})
        return True
