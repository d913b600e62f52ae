from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from odoo.addons.clinic_scheduling.models.clinic_appointment import STAFF
from odoo.addons.clinic_scheduling.tools import intervals as iv

from ..tools.split import split_price
from .clinic_authorization import SCHEDULED_STATES

class ClinicAppointment(models.Model):
    """Billing of appointments: the authorization a visit is booked under, billing's booking rules
    and insights, and the charges of completed visits, no-shows and late cancellations in Odoo's
    own invoices (DESIGN.md: billing charges on done/no_show by extending the state methods)."""
    _inherit = "clinic.appointment"

    authorization_id = fields.Many2one(
        "clinic.authorization", string="Authorization", compute="_compute_authorization_id", store=True,
        readonly=False, precompute=True, index="btree_not_null", tracking=True, check_company=True, groups=STAFF,
        domain="[('partner_id', '=', partner_id)]",
        help="The payer's treatment plan this visit uses; found from the client, case, service and date.",
    )
    charge_ids = fields.One2many("clinic.charge", "appointment_id", string="Charges", groups=STAFF)
    usage_ids = fields.One2many("clinic.usage", "appointment_id", string="Plan and Package Usage", groups=STAFF)
    billing_state = fields.Selection(
        [("none", "Nothing to Charge"), ("to_charge", "Not Charged"), ("charged", "Charged"),
         ("package", "Prepaid Package"), ("free", "No Charge")],
        compute="_compute_billing_state", store=True, index=True, groups=STAFF,
        help="Not Charged: a completed visit nothing was invoiced for (its service has no product, say).",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count", groups=STAFF)

    @api.depends("partner_id", "case_id", "service_id", "start", "location_id")
    def _compute_authorization_id(self):
        todo = self.filtered(lambda a: a.state in SCHEDULED_STATES and a.partner_id and a.service_id)
        plans = self.env["clinic.authorization"].search(
            [("partner_id", "in", todo.partner_id.ids)], order="date_end, id"
        ) if todo else self.env["clinic.authorization"]
        for appointment in self:
            if appointment in todo:
                appointment.authorization_id = appointment._clinic_plan_among(plans)
            else:
                appointment.authorization_id = appointment.authorization_id

    @api.constrains("authorization_id", "partner_id")
    def _check_authorization_client(self):
        for appointment in self:
            if appointment.authorization_id and appointment.authorization_id.partner_id != appointment.partner_id:
                raise ValidationError(self.env._(
                    "Authorization %(number)s is %(owner)s's, not %(client)s's.",
                    number=appointment.authorization_id.name, owner=appointment.authorization_id.partner_id.name,
                    client=appointment.partner_id.name,
                ))

    @api.depends("state", "charge_ids.state", "charge_ids.amount", "usage_ids.reversed")
    def _compute_billing_state(self):
        for appointment in self:
            charged = appointment.charge_ids.filtered(lambda c: c.state == "charged")
            if appointment.usage_ids.filtered(lambda u: u.package_id and not u.reversed):
                appointment.billing_state = "package"
            elif charged:
                appointment.billing_state = "charged" if any(charged.mapped("amount")) else "free"
            elif appointment.state == "done":
                appointment.billing_state = "to_charge"
            else:
                appointment.billing_state = "none"

    def _compute_invoice_count(self):
        for appointment in self:
            appointment.invoice_count = len(appointment.charge_ids.move_id | appointment.charge_ids.reversal_move_id)

    def _clinic_plan_among(self, plans):
        """The plan among ``plans`` this visit falls under: the one it has while it still applies
        (valid that day; it counts itself among the plan's booked visits), else the best one."""
        self.ensure_one()
        day, company = self._clinic_day(), self.company_id or self.env.company
        current = self._origin.authorization_id
        if current and current._applies_to(self.partner_id, self.case_id, self.service_id, day, company) \
                and day <= current.date_end:
            return current
        return plans._pick(self.partner_id, self.case_id, self.service_id, day, company=company)

    def _clinic_relink_authorizations(self):
        """Link these visits still to come to the plan they fall under now (a plan was entered or
        changed after they were booked); written, so that the plans' counts follow."""
        todo = self.filtered(lambda a: a.state in SCHEDULED_STATES)
        plans = self.env["clinic.authorization"].search(
            [("partner_id", "in", todo.partner_id.ids)], order="date_end, id")
        by_plan = {}
        for appointment in todo:
            plan = appointment._clinic_plan_among(plans)
            if plan != appointment.authorization_id:
                by_plan.setdefault(plan, self.browse())
                by_plan[plan] |= appointment
        for plan, appointments in by_plan.items():
            appointments.write({"authorization_id": plan.id})

    def _clinic_day(self, moment=None):
        """The local date at the appointment's location of its start (or of ``moment``); today for
        a draft not placed in time."""
        self.ensure_one()
        moment = moment or self.start
        if not moment:
            return fields.Date.context_today(self)
        return iv.local_date(moment, self.location_id.tz)

    # ------------------------------------------------------------------
    # Booking rules and insights
    # ------------------------------------------------------------------
    def _book_slot_check(self, service, slot, partner, source, values):
        super()._book_slot_check(service, slot, partner, source, values)
        location = self.env["clinic.location"].browse(slot["location_id"])
        day = iv.local_date(slot["start"], location.tz)
        case = self.env["clinic.case"].browse(values.get("case_id") or [])
        company = location.company_id or self.env.company
        plan = self.env["clinic.authorization"]._find_for(partner, case, service, day, company=company)
        if plan:
            # Two bookings of the last approved visit at once: the second waits, fails to
            # serialize and is retried, then sees the first.
            plan._lock_for_booking()
            insight = plan._booking_insight(day)
            if insight["blocking"]:
                raise UserError(insight["message"])
        if company.clinic_balance_policy == "block":
            due = partner._get_clinic_balances(company).get(partner.id, (0.0, 0.0))[0]
            if company.currency_id.compare_amounts(due, company.clinic_balance_limit) > 0:
                raise UserError(self.env._(
                    "%(client)s owes %(due)s, more than the clinic's limit of %(limit)s: the balance must be "
                    "settled before another visit is booked.",
                    client=partner.name, due=formatLang(self.env, due, currency_obj=company.currency_id),
                    limit=formatLang(self.env, company.clinic_balance_limit, currency_obj=company.currency_id),
                ))
        return True

    def _get_booking_insights(self):
        insights = super()._get_booking_insights()
        if not self.partner_id:
            return insights
        # A visit not placed in time yet (the booking wizard's draft) is seen as of today.
        day = self._clinic_day()
        plan = self.authorization_id
        if plan and self.state in SCHEDULED_STATES:
            booked = bool(self._origin.id) and self._origin.authorization_id == plan
            insight = plan._booking_insight(day, booked=booked)
            insight.pop("blocking")
            insights.append(insight)
        company = self.company_id or self.env.company
        due, overdue = self.partner_id._get_clinic_balances(company).get(self.partner_id.id, (0.0, 0.0))
        currency = company.currency_id
        if currency.compare_amounts(due, 0.0) > 0:
            over_limit = company.clinic_balance_policy != "none" and currency.compare_amounts(
                due, company.clinic_balance_limit) > 0
            level = "danger" if over_limit and company.clinic_balance_policy == "block" else (
                "warning" if over_limit or currency.compare_amounts(overdue, 0.0) > 0 else "info")
            message = self.env._("Balance due: %s", formatLang(self.env, due, currency_obj=currency))
            if currency.compare_amounts(overdue, 0.0) > 0:
                message = self.env._(
                    "%(due)s, of which %(overdue)s overdue", due=message,
                    overdue=formatLang(self.env, overdue, currency_obj=currency),
                )
            if over_limit:
                message = self.env._("%(message)s (over the limit of %(limit)s).", message=message,
                                     limit=formatLang(self.env, company.clinic_balance_limit, currency_obj=currency))
            insights.append({"level": level, "code": "balance", "message": message})
        return insights

    def _get_day_view_badges(self):
        badges = super()._get_day_view_badges()
        for appointment in self.filtered("authorization_id"):
            badges.setdefault(appointment.id, []).append(
                appointment.authorization_id._card_badge(booked=appointment.state in SCHEDULED_STATES)
            )
        return badges

    # ------------------------------------------------------------------
    # Lifecycle: charges on done, no-show and late cancel; reversal on reset
    # ------------------------------------------------------------------
    def action_done(self):
        result = super().action_done()
        self._clinic_charge("visit")
        return result

    def action_no_show(self):
        result = super().action_no_show()
        for appointment in self.sudo():
            plan = appointment.authorization_id
            if plan and plan.payer_id.clinic_counts_no_show:
                plan._consume(appointment, appointment._clinic_day(), kind="no_show")
        self._clinic_charge("no_show")
        return result

    def action_cancel(self, reason=None, note=None, when=None):
        result = super().action_cancel(reason=reason, note=note, when=when)
        self.filtered("late_cancel")._clinic_charge("late_cancel")
        return result

    def action_reset_to_booked(self):
        # sudo: only whether the visits' invoices are posted, to know who may undo them.
        posted = self.sudo().charge_ids.filtered(lambda c: c.state == "charged" and c.move_id.state == "posted")
        if posted and not self.env.su and not (self.env.user.has_group("account.group_account_invoice")
                           or self.env.user.has_group("clinic_scheduling.group_clinic_manager")):
            raise UserError(self.env._(
                "%s is on a posted invoice: undoing it issues a credit note, which the clinic manager or "
                "the accountant does.", posted[0].appointment_id.name,
            ))
        result = super().action_reset_to_booked()
        self._clinic_reverse_charges()
        return result

    def action_clinic_charge(self):
        """Charge completed visits that were not charged (their service had no product, say)."""
        todo = self.filtered(lambda a: a.state == "done" and a.billing_state == "to_charge")
        if not todo:
            raise UserError(self.env._("Only completed visits that were not charged can be charged."))
        todo.check_access("write")
        todo._clinic_charge("visit")
        return True

    def action_view_invoices(self):
        self.ensure_one()
        moves = self.charge_ids.move_id | self.charge_ids.reversal_move_id
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def _clinic_charge(self, kind):
        """Charge these appointments' visit (``kind="visit"``) or fee (``"no_show"``,
        ``"late_cancel"``): a package session when the client has one, else invoice lines split
        between the payers of the client's coverages and the client.

        sudo: charging is the consequence of a state change the caller was allowed to make (the
        state methods check write access first); it writes invoices and usage lines that front-desk
        staff cannot write themselves, narrowed to these appointments."""
        for appointment in self.sudo():
            appointment._clinic_charge_one(kind)

    def _clinic_charge_one(self, kind):
        self.ensure_one()
        # A late-cancel fee is dated when the client cancelled; a visit or no-show on its day.
        day = self._clinic_day(self.cancelled_at if kind == "late_cancel" else None)
        service, partner = self.service_id, self.partner_id
        company = self.company_id
        if kind == "visit":
            package = self.env["clinic.package"]._find_for(partner, service, day, company)
            if package and package._consume(self, day):
                self.message_post(body=self.env._(
                    "Prepaid session used from %(package)s: %(left)s left.", package=package.display_name,
                    left=package.sessions_remaining,
                ), subtype_xmlid="mail.mt_note")
                return
            product = service.product_id
            if not product:
                self.message_post(body=self.env._(
                    "Not charged: the service %s has no product to invoice. Set one on the service, then "
                    "use Charge on this appointment.", service.name,
                ), subtype_xmlid="mail.mt_note")
                return
        else:
            product = service.no_show_product_id if kind == "no_show" else service.late_cancel_product_id
            if not product:
                return
        coverages, usages = self._clinic_applicable_coverages(day) if kind == "visit" else ({}, {})
        covered = self.env["clinic.coverage"].browse([c.id for c in coverages])
        pricelist = covered[:1].payer_id.clinic_pricelist_id
        if pricelist:
            # In the fee schedule's currency, then in the company's (a fixed price is not converted).
            price = pricelist.currency_id._convert(
                pricelist._get_product_price(product, 1.0, date=day), company.currency_id, company, day,
            )
        else:
            price = product.with_company(company).lst_price
        price = company.currency_id.round(price)
        terms = covered._get_split_terms(day)
        for term, coverage in zip(terms, covered, strict=True):
            plan = usages.get(coverage) and usages[coverage].authorization_id
            if plan and plan.amount_approved:
                plan_left = max(plan.amount_approved - plan.amount_used, 0.0)
                term["max_left"] = plan_left if term["max_left"] is None else min(term["max_left"], plan_left)
        payer_shares, client_amount = split_price(price, terms, company.currency_id.round)
        Charge = self.env["clinic.charge"]
        common = {"appointment_id": self.id, "kind": kind, "product_id": product.id, "price": price, "date": day,
                  "company_id": company.id}
        charges = Charge
        for share, coverage in zip(payer_shares, covered, strict=True):
            usage = usages.get(coverage)
            plan = usage.authorization_id if usage else self.env["clinic.authorization"]
            charges |= Charge.create(dict(
                common, debtor_id=coverage.payer_id.id, is_payer_share=True, coverage_id=coverage.id,
                authorization_id=plan.id, amount=share["amount"], deductible_amount=share["deductible"],
            ))
            if plan and share["amount"]:
                plan._add_amount(usage, share["amount"])
        if company.currency_id.compare_amounts(client_amount, 0.0) > 0 or not charges:
            charges |= Charge.create(dict(common, debtor_id=partner.id, amount=client_amount))
        # On invoices now, but for payers invoiced by month: their shares are gathered once a day
        # (clinic.charge._cron_invoice_pending), as adding a line to a long draft costs more with
        # each line it already has.
        charges.filtered(lambda c: not c._waits_for_period())._invoice()
        for plan in charges.authorization_id:
            plan._request_reassessment()

    def _clinic_applicable_coverages(self, day):
        """The client's coverages that pay for this visit, in order, and the authorization usage
        each one consumed: a coverage whose payer requires an authorization pays only when one of its
        plans had a visit left (used here)."""
        partner = self.partner_id
        coverages = self.env["clinic.coverage"]._get_coverages(partner, day)[partner].filtered(
            lambda c: c.company_id == self.company_id
        )
        Authorization = self.env["clinic.authorization"]
        applicable, usages = [], {}
        for coverage in coverages:
            payer = coverage.payer_id
            usage = False
            plans = [self.authorization_id] if self.authorization_id.payer_id == payer else []
            plans.append(Authorization._find_for(partner, self.case_id, self.service_id, day,
                                                 company=self.company_id))
            for plan in plans:
                if plan and plan.payer_id == payer:
                    usage = plan._consume(self, day)
                    if usage:
                        break
            if payer.clinic_requires_authorization and not usage:
                self.message_post(body=self.env._(
                    "%(payer)s pays only under an authorization, and none had a visit left for this one: "
                    "the visit is billed to the client.", payer=payer.name,
                ), subtype_xmlid="mail.mt_note")
                continue
            applicable.append(coverage)
            if usage:
                usages[coverage] = usage
                if usage.authorization_id != self.authorization_id:
                    self.authorization_id = usage.authorization_id
        return applicable, usages

    def _clinic_line_vals(self, charge):
        """The invoice line of ``charge``: the product, a label that says whose visit it was and
        under which plan, the links back to the clinic, the analytic accounts."""
        self.ensure_one()
        return {
            "product_id": charge.product_id.id, "name": self._clinic_line_label(charge), "quantity": 1.0,
            "price_unit": charge.amount, "clinic_appointment_id": self.id, "clinic_charge_id": charge.id,
            "clinic_case_id": self.case_id.id, "clinic_authorization_id": charge.authorization_id.id,
            "analytic_distribution": self._clinic_analytic_distribution() or False,
        }

    def _clinic_line_label(self, charge):
        date = fields.Date.to_string(charge.date)
        what = {
            "visit": self.service_id.name,
            "no_show": self.env._("No-show fee: %s", self.service_id.name),
            "late_cancel": self.env._("Late-cancel fee: %s", self.service_id.name),
        }[charge.kind]
        if not charge.is_payer_share:
            return f"{what} – {date}"
        parts = [what, self.partner_id.name, date]
        coverage = charge.coverage_id
        if coverage.member_id or coverage.policy_number:
            parts.append(self.env._("Member %s", coverage.member_id or coverage.policy_number))
        if charge.authorization_id:
            parts.append(self.env._("Authorization %s", charge.authorization_id.name))
        return " – ".join(parts)

    def _clinic_analytic_distribution(self):
        accounts = self.location_id.analytic_account_id | self.provider_id.analytic_account_id
        return {str(account.id): 100.0 for account in accounts}

    def _clinic_reverse_charges(self):
        """Undo what these appointments charged and used: lines leave their draft invoice (an
        emptied draft is cancelled), posted lines are credited, usage lines are reversed. Nothing is
        deleted that was posted; every step is written in the chatter.

        sudo: see :meth:`_clinic_charge` (called after the state change was allowed)."""
        today = fields.Date.context_today(self)
        for appointment in self.sudo():
            charges = appointment.charge_ids.filtered(lambda c: c.state == "charged")
            for charge in charges:
                line, refund = charge.move_line_id, self.env["account.move"]
                # Reversed first: taking the line off its draft is then this undo, not a deletion.
                charge.state = "reversed"
                if line and line.move_id.state == "draft":
                    move = line.move_id
                    move.write({"invoice_line_ids": [Command.unlink(line.id)]})
                    move.message_post(body=self.env._(
                        "%(appointment)s was reset: its line (%(amount)s) was taken off this draft.",
                        appointment=appointment.name,
                        amount=formatLang(self.env, charge.amount, currency_obj=charge.currency_id),
                    ))
                    if not move.invoice_line_ids:
                        move.button_cancel()
                elif line and line.move_id.state == "posted":
                    refund = appointment._clinic_credit(line, charge)
                charge.reversal_move_id = refund
            usages = appointment.usage_ids.filtered(lambda u: not u.reversed and u.kind != "reversal")
            usages._reverse(today)
            if charges or usages:
                appointment.message_post(body=self.env._(
                    "Charges reversed: %(charges)s share(s), %(usages)s plan or package use(s) given back.",
                    charges=len(charges), usages=len(usages),
                ), subtype_xmlid="mail.mt_note")

    def _clinic_credit(self, line, charge):
        """A posted credit note for one posted invoice line, reconciled with the invoice while the
        invoice is unpaid."""
        move = line.move_id
        refund = self.env["account.move"].with_company(move.company_id).create({
            "move_type": "out_refund", "partner_id": move.partner_id.id, "company_id": move.company_id.id,
            "currency_id": move.currency_id.id,
            "reversed_entry_id": move.id, "invoice_origin": self.name,
            "ref": self.env._("Reversal of %(invoice)s (%(appointment)s)", invoice=move.name, appointment=self.name),
            "invoice_line_ids": [Command.create({
                "product_id": line.product_id.id, "name": line.name, "quantity": line.quantity,
                "price_unit": line.price_unit, "discount": line.discount, "tax_ids": [Command.set(line.tax_ids.ids)],
                "analytic_distribution": line.analytic_distribution, "clinic_appointment_id": self.id,
                "clinic_case_id": line.clinic_case_id.id, "clinic_charge_id": charge.id,
                "clinic_authorization_id": line.clinic_authorization_id.id,
            })],
        })
        refund.action_post()
        if not move.currency_id.is_zero(move.amount_residual):
            (move.line_ids | refund.line_ids).filtered(
                lambda ml: ml.account_type == "asset_receivable" and not ml.reconciled
            ).reconcile()
        return refund
