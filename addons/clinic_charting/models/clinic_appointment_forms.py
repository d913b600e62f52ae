from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.clinic_scheduling.models.clinic_appointment import OPEN_STATES, STAFF
from odoo.addons.clinic_scheduling.tools import intervals as iv

from .clinic_form import PENDING_STATES

# What a client's forms are for a visit, per form of its service (see _clinic_form_status).
VALID, PENDING, EXPIRED, MISSING = "valid", "pending", "expired", "missing"


class ClinicAppointment(models.Model):
    """Intake and consent forms of appointments (DESIGN.md: charting requests forms on booking):
    booking a service that needs forms requests those the client has not signed (or whose signature
    expired by the visit), the booking insights list what is still to sign, and a service may
    require them signed before the client is checked in."""
    _inherit = "clinic.appointment"

    form_ids = fields.One2many("clinic.form", "appointment_id", string="Requested Forms", groups=STAFF)
    clinic_form_ids = fields.Many2many(
        "clinic.form", compute="_compute_clinic_form_ids", string="Client's Forms", groups=STAFF,
        help="For each form this visit's service needs, the client's form that answers it: signed and "
             "valid on the day of the visit, else the one waiting to be signed, else the expired one.",
    )
    clinic_forms_to_sign = fields.Integer(
        compute="_compute_clinic_form_ids", string="Forms to Sign", groups=STAFF,
    )
    clinic_forms_never_requested = fields.Char(
        compute="_compute_clinic_form_ids", string="Forms Never Requested", groups=STAFF,
        help="Forms this visit's service needs that the client was never asked for (the visit was "
             "booked before the service needed them).",
    )

    # Depends on the visit (a new appointment's x2many would otherwise stay cached empty) and on its
    # own requests; other forms of the client are read afresh in each transaction.
    @api.depends("partner_id", "service_id", "start", "location_id", "form_ids.state")
    def _compute_clinic_form_ids(self):
        status = self._clinic_form_status()
        for appointment in self:
            lines = status.get(appointment.id, [])
            appointment.clinic_form_ids = self.env["clinic.form"].union(*(form for _t, form, _s in lines if form))
            appointment.clinic_forms_to_sign = sum(1 for _t, _f, state in lines if state != VALID)
            appointment.clinic_forms_never_requested = ", ".join(
                template.name for template, form, _state in lines if not form) or False

    def _clinic_visit_day(self):
        """The local date of the visit at its location (today for a booking not placed in time yet)."""
        self.ensure_one()
        if not self.start:
            return fields.Date.context_today(self)
        return iv.local_date(self.start, self.location_id.tz)

    def _clinic_form_status(self):
        """For each appointment, what its client has for each form its service needs:
        ``{appointment id: [(template, form or empty recordset, status)]}`` with status ``valid``
        (signed, not expired on the visit's day), ``pending`` (requested or to sign), ``expired``
        (signed, expired by the visit) or ``missing`` (never requested).

        The service's published templates are its forms' latest versions (publishing a version
        moves the services to it). A fixed number of queries whatever the number of appointments:
        one when their services ask for no form; else also the services' forms and the clients'
        forms of those families.
        """
        result = {}
        # The templates are searched (not read from each service) so that a visit whose service
        # asks for no form costs one query, whether or not its service was read already.
        templates = self.env["clinic.form.template"].search_fetch(
            [("service_ids", "in", self.service_id.ids), ("state", "=", "published")], ["name", "origin_id"],
        ) if self.service_id else self.env["clinic.form.template"]
        if not templates:
            return result
        todo = self.filtered(lambda a: a.partner_id and a.service_id.form_template_ids & templates)
        if not todo:
            return result
        forms = self.env["clinic.form"].search_fetch(
            [("partner_id", "in", todo.partner_id.ids), ("family_id", "in", templates.origin_id.ids),
             ("state", "in", (*PENDING_STATES, "signed"))],
            ["partner_id", "family_id", "state", "expires_on", "template_id"],
            order="id desc",
        )
        by_client = {}
        for form in forms:
            by_client.setdefault((form.partner_id.id, form.family_id.id), []).append(form)
        for appointment in todo:
            day = appointment._clinic_visit_day()
            lines = []
            for template in appointment.service_id.form_template_ids & templates:
                candidates = by_client.get((appointment.partner_id.id, template.origin_id.id), [])
                signed = [f for f in candidates if f.state == "signed"]
                valid = next((f for f in signed if not f.expires_on or f.expires_on >= day), None)
                pending = next((f for f in candidates if f.state in PENDING_STATES), None)
                if valid:
                    lines.append((template, valid, VALID))
                elif pending:
                    lines.append((template, pending, PENDING))
                elif signed:
                    lines.append((template, signed[0], EXPIRED))
                else:
                    lines.append((template, self.env["clinic.form"], MISSING))
            result[appointment.id] = lines
        return result

    def _request_forms(self):
        """Request from each client the forms of their visit's service they have neither signed
        (valid on the day of the visit) nor been asked for already. Returns the new forms.

        Callers check their own right first: booking (``_book_slot``) or the Request button."""
        # sudo: requesting a form is part of the booking the caller was allowed to make (the portal
        # books as the client, who has no access to forms); it reads the client's forms of this
        # visit's service and creates exactly the missing ones for this visit's client, nothing the
        # caller chose. The new forms are returned in the caller's environment.
        appointments = self.sudo()
        status = appointments._clinic_form_status()
        values = [
            {"template_id": template.id, "partner_id": appointment.partner_id.id, "appointment_id": appointment.id,
             "case_id": appointment.case_id.id, "company_id": appointment.company_id.id}
            for appointment in appointments
            for template, _form, state in status.get(appointment.id, [])
            if state in (MISSING, EXPIRED)
        ]
        if not values:
            return self.env["clinic.form"]
        return self.env["clinic.form"].sudo().create(values).with_env(self.env)

    @api.model
    def _book_slot(self, service, slot, partner, source="staff", **values):
        appointment = super()._book_slot(service, slot, partner, source=source, **values)
        appointment._request_forms()
        return appointment

    def action_request_forms(self):
        """Request again what the client has not signed for this visit (the service's forms changed
        after the booking, or a form was cancelled)."""
        self.env["clinic.form"].check_access("create")
        self.check_access("read")
        if not self._request_forms():
            raise UserError(self.env._("The client has signed or been asked for every form of this visit."))
        return True

    def _get_booking_insights(self):
        insights = super()._get_booking_insights()
        if not self.partner_id or (self.state and self.state not in OPEN_STATES):
            return insights
        lines = self._clinic_form_status().get(self.id, [])
        if not lines:
            return insights
        required = self.service_id.forms_required_before_arrival
        level = "danger" if required else "warning"
        suffix = self.env._(" (required before arrival)") if required else ""
        unsigned = [template.name for template, _form, status in lines if status in (PENDING, MISSING)]
        if unsigned:
            insights.append({"level": level, "code": "form_missing", "message": self.env._(
                "Forms to sign: %(forms)s%(required)s.", forms=", ".join(unsigned), required=suffix,
            )})
        expired = [template.name for template, _form, status in lines if status == EXPIRED]
        if expired:
            insights.append({"level": level, "code": "form_expired", "message": self.env._(
                "Expired by this visit, to sign again: %(forms)s%(required)s.", forms=", ".join(expired),
                required=suffix,
            )})
        return insights

    def action_arrive(self):
        blocked = self.filtered(lambda a: a.service_id.forms_required_before_arrival)
        status = blocked._clinic_form_status()
        for appointment in blocked:
            unsigned = [template.name for template, _form, state in status.get(appointment.id, []) if state != VALID]
            if unsigned:
                raise UserError(self.env._(
                    "%(client)s must sign %(forms)s before being checked in for %(service)s.",
                    client=appointment.partner_id.name, forms=", ".join(unsigned),
                    service=appointment.service_id.name,
                ))
        return super().action_arrive()
