from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Appointments that will use a visit when they are completed.
SCHEDULED_STATES = ("booked", "confirmed", "arrived", "in_session")


class ClinicAuthorization(models.Model):
    """A treatment plan a payer approved for a case: how many visits (and/or how much) of which
    services, between two dates.

    ``visits_used`` and ``amount_used`` change only through :meth:`_consume` and ``clinic.usage._reverse``,
    each a conditional UPDATE of this row with a usage line: two visits completed at once on the
    last approved visit cannot both use it."""
    _name = "clinic.authorization"
    _description = "Authorization"
    _check_company_auto = True
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"

    name = fields.Char(string="Authorization Number", required=True, tracking=True, index="trigram")
    case_id = fields.Many2one(
        "clinic.case", string="Case File", required=True, index=True, tracking=True, check_company=True,
        domain="[('state', '=', 'open')]",
    )
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True, string="Client")
    payer_id = fields.Many2one(
        "res.partner", string="Payer", required=True, tracking=True, domain="[('clinic_is_payer', '=', True)]",
    )
    coverage_id = fields.Many2one(
        "clinic.coverage", string="Coverage", check_company=True, tracking=True,
        domain="[('partner_id', '=', partner_id), ('payer_id', '=', payer_id)]",
        help="The client's policy with this payer under which the visits are billed.",
    )
    service_ids = fields.Many2many(
        "clinic.service", string="Covered Services", check_company=True,
        help="The services this plan approves; none means every service.",
    )
    visits_approved = fields.Integer(
        string="Approved Visits", default=0, tracking=True, help="0 when only an amount is approved.",
    )
    amount_approved = fields.Monetary(
        string="Approved Amount", default=0.0, tracking=True, help="0 when only visits are approved.",
    )
    date_start = fields.Date(string="Valid From", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="Valid Until", required=True, tracking=True)
    visits_used = fields.Integer(
        readonly=True, copy=False, default=0, help="Visits completed (and no-shows the payer counts).",
    )
    amount_used = fields.Monetary(
        readonly=True, copy=False, default=0.0, help="What the payer was charged under this plan.",
    )
    appointment_ids = fields.One2many("clinic.appointment", "authorization_id", string="Appointments")
    visits_scheduled = fields.Integer(
        compute="_compute_visits_scheduled", store=True, help="Booked visits that will use this plan.",
    )
    visits_remaining = fields.Integer(
        compute="_compute_remaining", store=True,
        help="Approved visits not yet used nor already booked.",
    )
    amount_remaining = fields.Monetary(compute="_compute_remaining", store=True)
    state = fields.Selection(
        [("active", "Active"), ("exhausted", "Used Up"), ("expired", "Expired")],
        compute="_compute_state", search="_search_state",
    )
    usage_ids = fields.One2many("clinic.usage", "authorization_id", string="Usage")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    reassess_requested = fields.Boolean(
        readonly=True, copy=False, help="The case's provider was asked to reassess or request a renewal.",
    )
    note = fields.Text()

    _sql_constraints = [
        ("visits_not_negative", "check (visits_approved >= 0 and visits_used >= 0)",
         "Visits cannot be negative."),
        ("amounts_not_negative", "check (amount_approved >= 0 and amount_used >= 0)",
         "Amounts cannot be negative."),
    ]

    @api.depends("appointment_ids.state")
    def _compute_visits_scheduled(self):
        # What is booked in the database (a draft appointment being looked at is not booked yet).
        ids = [authorization._origin.id for authorization in self if authorization._origin.id]
        # sudo: a count of the plan's booked visits, whoever reads the plan.
        counts = dict(self.env["clinic.appointment"].sudo()._read_group(
            [("authorization_id", "in", ids), ("state", "in", SCHEDULED_STATES)],
            ["authorization_id"], ["__count"],
        )) if ids else {}
        for authorization in self:
            authorization.visits_scheduled = counts.get(authorization._origin, 0)

    @api.depends("visits_approved", "visits_used", "visits_scheduled", "amount_approved", "amount_used")
    def _compute_remaining(self):
        for authorization in self:
            authorization.visits_remaining = (
                authorization.visits_approved - authorization.visits_used - authorization.visits_scheduled
            )
            authorization.amount_remaining = authorization.amount_approved - authorization.amount_used

    @api.depends("visits_approved", "visits_used", "amount_approved", "amount_used", "date_end")
    @api.depends_context("date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for authorization in self:
            authorization.state = authorization._state_on(today)

    def _state_on(self, day):
        self.ensure_one()
        if self.date_end and self.date_end < day:
            return "expired"
        if (self.visits_approved and self.visits_used >= self.visits_approved) or (
            self.amount_approved and self.amount_used >= self.amount_approved
        ):
            return "exhausted"
        return "active"

    def _search_state(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(self.env._("Search authorizations by state with 'is' or 'is in'."))
        today = fields.Date.context_today(self)
        used_up = SQL(
            "((clinic_authorization.visits_approved > 0 "
            "AND clinic_authorization.visits_used >= clinic_authorization.visits_approved) "
            "OR (clinic_authorization.amount_approved > 0 "
            "AND clinic_authorization.amount_used >= clinic_authorization.amount_approved))"
        )
        conditions = {
            "expired": SQL("clinic_authorization.date_end < %s", today),
            "exhausted": SQL("(clinic_authorization.date_end >= %s AND %s)", today, used_up),
            "active": SQL("(clinic_authorization.date_end >= %s AND NOT %s)", today, used_up),
        }
        values = [value] if isinstance(value, str) else list(value)
        query = self._search([])
        query.add_where(SQL("(%s)", SQL(" OR ").join([conditions[v] for v in values if v in conditions] or
                                                      [SQL("FALSE")])))
        return [("id", "in", query)]

    @api.constrains("visits_approved", "amount_approved", "date_start", "date_end", "payer_id", "coverage_id")
    def _check_plan(self):
        for authorization in self:
            if not (authorization.visits_approved or authorization.amount_approved):
                raise ValidationError(self.env._("An authorization approves a number of visits, an amount, or both."))
            if authorization.date_end < authorization.date_start:
                raise ValidationError(self.env._("An authorization cannot end before it starts."))
            if not authorization.payer_id.sudo().clinic_is_payer:  # sudo: a flag staff-only fields hide
                raise ValidationError(self.env._(
                    "%s is not a payer: tick 'Clinic Payer' on its contact first.", authorization.payer_id.name
                ))
            coverage = authorization.coverage_id
            if coverage and (coverage.payer_id != authorization.payer_id
                             or coverage.partner_id != authorization.partner_id):
                raise ValidationError(self.env._("The coverage must be the client's policy with this payer."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if {"visits_used", "amount_used", "reassess_requested"} & set(vals) and not self.env.su:
                raise UserError(self.env._("A new authorization starts with nothing used."))
        plans = super().create(vals_list)
        plans._relink_booked_visits()
        return plans

    def _relink_booked_visits(self):
        """Visits booked before this plan was entered (or changed) fall under it now: their clients'
        visits still to come find their plan again.

        sudo: the appointments' link to their plan is derived data, recomputed for these clients only."""
        self.env["clinic.appointment"].sudo().search([
            ("partner_id", "in", self.partner_id.ids), ("state", "in", SCHEDULED_STATES),
        ])._clinic_relink_authorizations()

    @api.depends("name", "payer_id")
    def _compute_display_name(self):
        for authorization in self:
            authorization.display_name = f"{authorization.name} ({authorization.payer_id.name or ''})"

    def write(self, vals):
        counters = {"visits_used", "amount_used", "reassess_requested"} & set(vals)
        if counters and not self.env.su:
            raise UserError(self.env._(
                "What an authorization used changes only when visits are completed or undone (%s).",
                ", ".join(sorted(counters)),
            ))
        if {"case_id", "payer_id", "coverage_id"} & set(vals) and self.usage_ids:
            raise UserError(self.env._(
                "Visits were used under %s: its case, payer and coverage stay as they were. Record a new "
                "authorization instead.", self.filtered("usage_ids")[0].name,
            ))
        result = super().write(vals)
        if {"date_start", "date_end", "service_ids", "case_id", "active", "visits_approved"} & set(vals):
            self._relink_booked_visits()
        if {"visits_approved", "amount_approved", "date_end"} & set(vals):
            # A renewal or an extension: the next time it runs low, ask again.
            # sudo: the reassessment flag is the job's bookkeeping (refused to a plain write).
            self.filtered("reassess_requested").sudo().write({"reassess_requested": False})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_if_never_used(self):
        if self.usage_ids:
            raise UserError(self.env._(
                "An authorization with used visits is a record of what the payer approved and paid: archive it."
            ))

    # ------------------------------------------------------------------
    # Which plan a visit falls under
    # ------------------------------------------------------------------
    @api.model
    def _find_for(self, partner, case, service, day, company=None):
        """The authorization a visit of ``partner`` (in ``case`` when given) for ``service`` on
        ``day`` falls under (see :meth:`_pick`); empty when the client has no plan for it."""
        if not partner:
            return self.browse()
        return self.search([("partner_id", "=", partner.id)], order="date_end, id")._pick(
            partner, case, service, day, company=company)

    def _pick(self, partner, case, service, day, company=None):
        """Among these plans, the one for a visit: of the client (and case when given), covering the
        service, valid that day, the first to expire that still has visits left; else the latest
        valid one, else the latest that started before (used up or expired: staff are told)."""
        plans = self.filtered(lambda a: a._applies_to(partner, case, service, day, company))
        valid = plans.filtered(lambda a: day <= a.date_end)
        usable = valid.filtered(lambda a: a._state_on(day) == "active" and (
            not a.visits_approved or a.visits_remaining > 0))
        return usable[:1] or valid[-1:] or plans[-1:]

    def _applies_to(self, partner, case, service, day, company=None):
        """Whether a visit (of this client, case, service, company) on ``day`` can fall under this
        plan: started by then, active, for that service. (Expiry and what is left are _pick's.)"""
        self.ensure_one()
        return (self.partner_id == partner and (not case or self.case_id == case)
                and (not self.service_ids or service in self.service_ids) and self.date_start <= day
                and self.active and (not company or self.company_id == company))

    def _booking_insight(self, day, booked=False):
        """What staff should know about booking a visit under this plan on ``day``: an insight dict
        with a ``blocking`` key (True when the payer refuses visits beyond its plan). ``booked``:
        the visit is already counted in ``visits_scheduled``."""
        self.ensure_one()
        payer = self.payer_id.sudo()  # sudo: the payer's name and booking policy, shown to who books
        left = self.visits_remaining + (1 if booked else 0)
        expired = self.date_end < day or self.date_start > day
        if expired:
            message = self.env._(
                "Authorization %(number)s (%(payer)s) is not valid on that day (valid %(start)s – %(end)s).",
                number=self.name, payer=payer.name, start=self.date_start, end=self.date_end,
            )
        elif (self.visits_approved and left <= 0) or (self.amount_approved and self.amount_remaining <= 0):
            message = self.env._(
                "Authorization %(number)s (%(payer)s) is used up: %(used)s used and %(booked)s booked of "
                "%(approved)s approved visits.",
                number=self.name, payer=payer.name, used=self.visits_used,
                booked=self.visits_scheduled - (1 if booked else 0), approved=self.visits_approved,
            )
        else:
            level = "warning" if (
                self.visits_approved and left - 1 <= self.company_id.clinic_reassess_visits
            ) or (self.date_end - day).days <= self.company_id.clinic_reassess_days else "info"
            visits = self.env._(
                "%(left)s of %(approved)s visits left after this one", left=left - 1, approved=self.visits_approved,
            ) if self.visits_approved else self.env._(
                "%(amount)s of the approved amount left", amount=self.amount_remaining,
            )
            return {"level": level, "code": "authorization", "blocking": False, "message": self.env._(
                "Authorization %(number)s (%(payer)s): %(visits)s, valid until %(end)s.",
                number=self.name, payer=payer.name, visits=visits, end=self.date_end,
            )}
        blocking = payer.clinic_authorization_policy == "block"
        return {"level": "danger" if blocking else "warning", "code": "authorization_exceeded",
                "blocking": blocking, "message": message}

    def _card_badge(self, booked=True):
        self.ensure_one()
        left = self.visits_remaining + (1 if booked else 0)
        if self.visits_approved:
            label = self.env._("Auth %(left)s/%(approved)s", left=max(left - 1, 0), approved=self.visits_approved)
        else:
            label = self.env._("Auth")
        state = self._state_on(fields.Date.context_today(self))
        level = "danger" if state != "active" or (self.visits_approved and left <= 0) else (
            "warning" if self.visits_approved and left - 1 <= self.company_id.clinic_reassess_visits else "info"
        )
        return {"label": label, "level": level, "title": self.env._(
            "Authorization %(number)s: %(used)s used, %(booked)s booked of %(approved)s, valid until %(end)s",
            number=self.name, used=self.visits_used, booked=self.visits_scheduled, approved=self.visits_approved,
            end=self.date_end,
        )}

    def _lock_for_booking(self):
        """Make bookings under the same plan wait for each other: a no-op update of its row, so that
        a second transaction booking the last visit at the same time fails to serialize and is
        retried, then sees the first booking."""
        self.env.cr.execute(SQL(
            "UPDATE clinic_authorization SET write_date = write_date WHERE id IN %s", tuple(self.ids)
        ))
        self.invalidate_recordset()

    # ------------------------------------------------------------------
    # Usage (the only writers of visits_used and amount_used)
    # ------------------------------------------------------------------
    def _consume(self, appointment, day, kind="visit"):
        """Use one visit of this plan for ``appointment``: the usage line, or False when none is
        left (or the plan is not valid on ``day``). A conditional update: it both locks the row and checks what is left,
        so that concurrent completions cannot overrun the plan."""
        self.ensure_one()
        if not (self.active and self.date_start <= day <= self.date_end) or (
                self.service_ids and appointment.service_id not in self.service_ids):
            return False
        self.env.cr.execute(SQL(
            """UPDATE clinic_authorization SET visits_used = visits_used + 1
                WHERE id = %s AND (visits_approved = 0 OR visits_used < visits_approved)
                  AND (amount_approved = 0 OR amount_used < amount_approved)
            RETURNING id""", self.id,
        ))
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset(["visits_used"])
        self.modified(["visits_used"])
        # sudo: usage lines are written only here and by their reversal (read-only for everyone).
        return self.env["clinic.usage"].sudo().create({
            "authorization_id": self.id, "appointment_id": appointment.id, "date": day, "visits": 1, "kind": kind,
            "company_id": self.company_id.id,
        })

    def _add_amount(self, usage, amount):
        """Record ``amount`` charged to the payer on ``usage`` (the row is locked by _consume)."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            "UPDATE clinic_authorization SET amount_used = amount_used + %s WHERE id = %s", amount, self.id,
        ))
        usage.sudo().amount = amount  # sudo: see _consume
        self.invalidate_recordset(["amount_used"])
        self.modified(["amount_used"])

    def action_view_burndown(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_billing.clinic_authorization_burndown_action")
        action["domain"] = [("authorization_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Reassessment
    # ------------------------------------------------------------------
    def _request_reassessment(self):
        """Ask the case's provider, once, to reassess or renew plans running low or expiring soon."""
        today = fields.Date.context_today(self)
        due = self.filtered(lambda a: a.active and not a.reassess_requested and a.date_end >= today and (
            (a.visits_approved and a.visits_approved - a.visits_used <= a.company_id.clinic_reassess_visits)
            or (a.date_end - today).days <= a.company_id.clinic_reassess_days
        ))
        for authorization in due:
            user = authorization.case_id.provider_id.user_id or authorization.case_id.create_uid
            # sudo: the job asks the case's provider, who may not be the user completing the visit.
            authorization.sudo().activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=min(authorization.date_end, today + timedelta(days=3)),
                summary=self.env._("Reassess or renew authorization %s", authorization.name),
                note=self.env._(
                    "%(used)s of %(approved)s visits used, valid until %(end)s. Reassess the client and ask "
                    "%(payer)s for a renewal if treatment goes on.",
                    used=authorization.visits_used, approved=authorization.visits_approved,
                    end=authorization.date_end, payer=authorization.payer_id.sudo().name,
                ),
                user_id=user.id,
            )
        # sudo: the flag is the job's own bookkeeping, not something staff edit.
        due.sudo().write({"reassess_requested": True})  # sudo: the job's bookkeeping, as above
        return due

    @api.model
    def _cron_request_reassessment(self):
        self.search([("reassess_requested", "=", False), ("date_end", ">=", fields.Date.context_today(self))]) \
            ._request_reassessment()

