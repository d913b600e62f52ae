import re
from datetime import date, datetime, timedelta

import pytz

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request
from odoo.tools import consteq

from odoo.addons.clinic_scheduling.exceptions import SlotTaken

from odoo.addons.clinic_scheduling.models.clinic_appointment import ACTIVE_STATES
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.clinic_appointment import RESCHEDULE_DAYS


class ClinicCustomerPortal(CustomerPortal):

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "clinic_appointment_count" in counters:
            Appointment = request.env["clinic.appointment"]
            values["clinic_appointment_count"] = Appointment.search_count([]) if Appointment.has_access("read") else 0
        return values

    def _clinic_filters(self):
        now = request.env.cr.now().replace(tzinfo=None)
        return {
            "upcoming": {
                "label": request.env._("Upcoming"),
                "domain": [("stop", ">=", now), ("state", "in", ACTIVE_STATES)],
                "order": "start asc, id asc",
            },
            "past": {
                "label": request.env._("Past"),
                "domain": ["|", ("stop", "<", now), ("state", "not in", ACTIVE_STATES)],
                "order": "start desc, id desc",
            },
        }

    @http.route(["/my/appointments", "/my/appointments/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_clinic_appointments(self, page=1, filterby="upcoming", **kw):
        filters = self._clinic_filters()
        if filterby not in filters:
            filterby = "upcoming"
        # Searched as the portal user: record rules keep it to the client's own appointments.
        Appointment = request.env["clinic.appointment"]
        domain = filters[filterby]["domain"]
        count = Appointment.search_count(domain)
        pager = portal_pager(
            url="/my/appointments", url_args={"filterby": filterby}, total=count, page=page, step=self._items_per_page
        )
        appointments = Appointment.search(
            domain, order=filters[filterby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_clinic_appointments_history"] = appointments.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            # sudo: only to render the names of provider, service and location of appointments the
            # search above (as the client) already returned.
            "appointments": appointments.sudo(),
            "page_name": "clinic_appointments",
            "pager": pager,
            "default_url": "/my/appointments",
            "searchbar_filters": {key: {"label": f["label"], "domain": f["domain"]} for key, f in filters.items()},
            "filterby": filterby,
            **self._clinic_balance_values(),
            # sudo: the forms still waiting for the logged-in client themselves (their own partner);
            # portal users have no access rights on forms (readme/SELF_SERVICE.md).
            "clinic_forms_sudo": request.env["clinic.form"].sudo().search([
                ("partner_id", "=", request.env.user.partner_id.id), ("state", "in", ("requested", "submitted")),
            ]),
        })
        return request.render("clinic_portal.portal_my_clinic_appointments", values)

    def _clinic_balance_values(self):
        """What the client owes the clinic of this website (their posted, unpaid invoices)."""
        partner = request.env.user.partner_id
        company = request.website.company_id
        # A sum over the visitor's own invoices (and their company's, which Odoo's /my/invoices shows
        # them too); the method reads the invoices in sudo, narrowed to these partners.
        balances = (partner | partner.commercial_partner_id)._get_clinic_balances(company)
        due = sum(amounts[0] for amounts in balances.values())
        overdue = sum(amounts[1] for amounts in balances.values())
        return {"clinic_balance_due": due, "clinic_balance_overdue": overdue, "clinic_currency": company.currency_id}

    @http.route(["/my/appointments/<int:appointment_id>"], type="http", auth="public", website=True)
    def portal_clinic_appointment(self, appointment_id, access_token=None, **kw):
        # A private link is a secret in the URL: whoever tries many of them is slowed down.
        if limited := self._clinic_rate_limited("appointment_link"):
            return limited
        try:
            appointment_sudo = self._document_check_access("clinic.appointment", appointment_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._clinic_render_appointment(appointment_sudo, access_token)

    def _clinic_render_appointment(self, appointment_sudo, access_token, status=200, **extra):
        """The appointment's page; ``extra``: an error and what the client had typed, to show again."""
        values = self._get_page_view_values(
            appointment_sudo, access_token, {"appointment": appointment_sudo, "page_name": "clinic_appointment"},
            "my_clinic_appointments_history", False,
        )
        values.update(self._clinic_self_service_values(appointment_sudo, access_token))
        values.update(extra)
        return request.render("clinic_portal.portal_clinic_appointment_page", values, status=status)

    def _clinic_self_service_values(self, appointment_sudo, access_token=None):
        """What the appointment's page offers the client: cancel (and its terms), reschedule,
        waitlist, forms to fill."""
        can_change = appointment_sudo._portal_can_change()
        partner = appointment_sudo.partner_id
        # sudo: the forms of this appointment that are the client's own (the appointment passed
        # the access check above); their titles and states only.
        forms_sudo = request.env["clinic.form"].sudo().search([
            ("appointment_id", "=", appointment_sudo.id), ("partner_id", "=", partner.id),
            ("state", "!=", "cancelled"),
        ])
        return {
            "can_change": can_change,
            "can_reschedule": can_change and appointment_sudo._portal_can_reschedule(),
            "cancel_terms": appointment_sudo._portal_cancel_terms() if can_change else {},
            "cancel_reasons": appointment_sudo._portal_cancel_reasons() if can_change else [],
            "waitlist_entry": appointment_sudo._portal_waitlist_entry(),
            "forms_sudo": forms_sudo,
            # The client, or the holder of the appointment's private link (a client who booked
            # online has no login): the form pages check the same.
            "forms_open": request.env.user.partner_id == partner or bool(access_token),
            "forms_token": access_token if request.env.user.partner_id != partner else None,
        }

    def _clinic_check_appointment(self, appointment_id, access_token):
        """``(appointment sudo, None)`` as ``_document_check_access`` returns it (the client's own, or
        the holder of its private link), else ``(None, the response to send)``: 404, or 429 when
        private links are tried too often."""
        if access_token:
            if limited := self._clinic_rate_limited("appointment_link"):
                return None, limited
        try:
            return self._document_check_access("clinic.appointment", appointment_id, access_token), None
        except (AccessError, MissingError):
            return None, self._clinic_not_found()

    def _clinic_back(self, appointment_sudo, message):
        return request.redirect(appointment_sudo.get_portal_url(query_string=f"&message={message}"))

    @http.route(["/my/appointments/<int:appointment_id>/ics"], type="http", auth="public", website=True)
    def portal_clinic_appointment_ics(self, appointment_id, access_token=None, **kw):
        appointment_sudo, refused = self._clinic_check_appointment(appointment_id, access_token)
        if refused:
            return refused
        content = appointment_sudo._portal_ics()
        return request.make_response(content, headers=[
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", content_disposition(f"{appointment_sudo.name}.ics")),
            ("Cache-Control", "private, no-store"),
        ])

    @http.route(["/my/appointments/<int:appointment_id>/cancel"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_clinic_appointment_cancel(self, appointment_id, access_token=None, reason_id=None, note=None, **kw):
        appointment_sudo, refused = self._clinic_check_appointment(appointment_id, access_token)
        if refused:
            return refused
        reason = int(reason_id) if reason_id and str(reason_id).isdigit() else None
        try:
            # The appointment passed the access check: the client's own, or its private link.
            appointment_sudo._portal_cancel(reason=reason, note=note)
        except UserError as error:
            return self._clinic_render_appointment(
                appointment_sudo, access_token, status=400, cancel_error=str(error), cancel_note=note or "",
                cancel_reason_id=reason,
            )
        return self._clinic_back(appointment_sudo, "cancelled")

    @http.route(["/my/appointments/<int:appointment_id>/waitlist"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_clinic_appointment_waitlist(self, appointment_id, access_token=None, **kw):
        appointment_sudo, refused = self._clinic_check_appointment(appointment_id, access_token)
        if refused:
            return refused
        try:
            # The appointment passed the access check: the client's own, or its private link.
            appointment_sudo._portal_join_waitlist()
        except UserError as error:
            return self._clinic_render_appointment(appointment_sudo, access_token, status=400,
                                                   waitlist_error=str(error))
        return self._clinic_back(appointment_sudo, "waitlist")

    @http.route(["/my/appointments/<int:appointment_id>/reschedule"], type="http", auth="public", website=True,
                methods=["GET"])
    def portal_clinic_appointment_reschedule_slots(self, appointment_id, access_token=None, day=None, **kw):
        appointment_sudo, refused = self._clinic_check_appointment(appointment_id, access_token)
        if refused:
            return refused
        try:
            day = date.fromisoformat(day) if day else None
        except ValueError:
            day = None
        return self._clinic_render_reschedule(appointment_sudo, access_token, day)

    def _clinic_render_reschedule(self, appointment_sudo, access_token, day=None, status=200, error=None,
                                  alternatives=None):
        tz = pytz.timezone(appointment_sudo.location_id.tz or "UTC")
        today = datetime.now(tz).date()
        day = max(day or today, today)
        can_reschedule = appointment_sudo._portal_can_reschedule()
        slots = appointment_sudo._portal_reschedule_slots(day) if can_reschedule else []
        return request.render("clinic_portal.portal_clinic_reschedule", {
            **self._prepare_portal_layout_values(),
            "appointment": appointment_sudo,
            "access_token": access_token,
            "page_name": "clinic_appointment",
            "can_change": appointment_sudo._portal_can_change(),
            "can_reschedule": can_reschedule,
            "late_hours": appointment_sudo._portal_cancel_terms()["hours"],
            "day": day,
            "prev_day": max(today, day - timedelta(days=RESCHEDULE_DAYS)).isoformat() if day > today else None,
            "next_day": (day + timedelta(days=RESCHEDULE_DAYS)).isoformat(),
            "days": self._clinic_slots_by_day(slots, tz),
            "alternatives": self._clinic_slots_by_day(alternatives or [], tz),
            "error": error,
            "providers": self._clinic_provider_names(slots + list(alternatives or [])),
            "tz": tz,
        }, status=status)

    def _clinic_slots_by_day(self, slots, tz):
        days = {}
        for slot in slots:
            local = pytz.utc.localize(slot["start"]).astimezone(tz)
            days.setdefault(local.date(), []).append(dict(slot, local=local))
        return sorted(days.items())

    def _clinic_provider_names(self, slots):
        # sudo: the names of the providers of free times the engine offers online, which the
        # public booking pages show anyone.
        providers = request.env["clinic.provider"].sudo().browse({s["provider_id"] for s in slots})
        return {provider.id: provider.name for provider in providers}

    @http.route(["/my/appointments/<int:appointment_id>/reschedule"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_clinic_appointment_reschedule(self, appointment_id, access_token=None, slot=None, **kw):
        appointment_sudo, refused = self._clinic_check_appointment(appointment_id, access_token)
        if refused:
            return refused
        match = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|(\d{1,9})", slot or "")
        try:
            if not match:
                raise UserError(request.env._("Please choose one of the free times offered."))
            try:
                start = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
            except ValueError:  # well-formed but no such date or time (month 13, 25 o'clock)
                raise UserError(request.env._("Please choose one of the free times offered.")) from None
            # The appointment passed the access check; the method accepts only a slot the engine
            # offers online.
            appointment_sudo._portal_reschedule(start, int(match.group(2)))
        except SlotTaken as error:
            return self._clinic_render_reschedule(
                appointment_sudo, access_token, status=409, error=str(error).split("\n")[0],
                alternatives=error.alternatives,
            )
        except UserError as error:
            return self._clinic_render_reschedule(appointment_sudo, access_token, status=400, error=str(error))
        return self._clinic_back(appointment_sudo, "rescheduled")

    def _clinic_not_found(self):
        """A 404 page rendered as a response (the same whether the record exists or not)."""
        return request.render("clinic_portal.clinic_not_found", {}, status=404)

    def _clinic_too_many_requests(self, retry_after):
        """HTTP 429 with a page a person understands, and when to try again."""
        return request.render(
            "clinic_portal.too_many_requests", {"retry_after": retry_after}, status=429,
            headers=[("Retry-After", str(retry_after))],
        )

    def _clinic_rate_limited(self, scope):
        """Count this request of the visitor's address in ``scope`` (``clinic.rate.limit``): the 429
        page to send when they are over the scope's limit, else None."""
        retry = request.env["clinic.rate.limit"]._hit(scope, request.httprequest.remote_addr)
        return self._clinic_too_many_requests(retry) if retry else None

    # ------------------------------------------------------------------
    # Waitlist offers: the private link of the offer email
    # ------------------------------------------------------------------
    def _clinic_check_offer(self, offer_id, access_token):
        """``(offer sudo, None)`` when ``access_token`` is this offer's, else ``(None, 404 or 429)``."""
        if limited := self._clinic_rate_limited("appointment_link"):
            return None, limited
        # sudo: only to compare the offer's token with the one given; nothing is read before that.
        offer_sudo = request.env["clinic.waitlist.offer"].sudo().browse(offer_id).exists()
        if not offer_sudo or not offer_sudo._portal_check_token(access_token):
            return None, self._clinic_not_found()
        return offer_sudo, None

    @http.route(["/my/waitlist/offers/<int:offer_id>"], type="http", auth="public", website=True, methods=["GET"])
    def portal_clinic_waitlist_offer(self, offer_id, access_token=None, **kw):
        offer_sudo, refused = self._clinic_check_offer(offer_id, access_token)
        if refused:
            return refused
        return self._clinic_render_offer(offer_sudo, access_token)

    def _clinic_render_offer(self, offer_sudo, access_token, status=None):
        is_open = offer_sudo._portal_is_open()
        if status is None:
            # A lapsed offer says so and shows nothing of the time or the client.
            status = 200 if is_open or offer_sudo.state == "accepted" else 404
        return request.render("clinic_portal.portal_clinic_waitlist_offer", {
            **self._prepare_portal_layout_values(),
            "offer": offer_sudo,
            "is_open": is_open,
            "access_token": access_token,
            "page_name": "clinic_waitlist_offer",
        }, status=status)

    @http.route(["/my/waitlist/offers/<int:offer_id>/accept"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_clinic_waitlist_offer_accept(self, offer_id, access_token=None, **kw):
        offer_sudo, refused = self._clinic_check_offer(offer_id, access_token)
        if refused:
            return refused
        if not offer_sudo._portal_is_open():
            return self._clinic_render_offer(offer_sudo, access_token)
        # The token is this offer's: accepting books this offer's slot for its own client.
        offer_sudo._portal_accept()
        status = 200 if offer_sudo.state == "accepted" else 409
        return self._clinic_render_offer(offer_sudo, access_token, status=status)

    # ------------------------------------------------------------------
    # Intake and consent forms
    # ------------------------------------------------------------------
    def _clinic_check_form(self, form_id, access_token=None):
        """The visitor's form (sudo), or None: the logged-in client's own, or a form of the
        appointment whose private link (``access_token``) the visitor holds, as the appointment's
        page is opened (a client who booked online has no login). Portal users have no access
        rights on forms: the search is narrowed to this id and that partner or appointment before
        anything is read."""
        user = request.env.user
        domain = [("id", "=", form_id), ("state", "!=", "cancelled")]
        if access_token:
            # sudo: the token is compared with the appointment's own, in constant time, below.
            form_sudo = request.env["clinic.form"].sudo().search(domain + [("appointment_id", "!=", False)], limit=1)
            token = form_sudo.appointment_id.access_token
            if form_sudo and token and consteq(token, access_token):
                return form_sudo
            return None
        if user._is_public():
            return None
        # sudo: narrowed to the one form of the logged-in client (partner_id is theirs).
        return request.env["clinic.form"].sudo().search(
            domain + [("partner_id", "=", user.partner_id.id)], limit=1) or None

    def _clinic_form_url(self, form_sudo, access_token=None, suffix=""):
        return f"/my/forms/{form_sudo.id}{suffix}" + (f"?access_token={access_token}" if access_token else "")

    def _clinic_form_or_refusal(self, form_id, access_token):
        """``(form sudo, None)`` for the visitor's own form (see :meth:`_clinic_check_form`), else
        ``(None, response)``: the login page for an anonymous visitor without a link, a 404, or a
        429 when private links are tried too often."""
        if access_token:
            # A private link is a secret in the URL: whoever tries many of them is slowed down.
            if limited := self._clinic_rate_limited("appointment_link"):
                return None, limited
        form_sudo = self._clinic_check_form(form_id, access_token)
        if form_sudo:
            return form_sudo, None
        if not access_token and request.env.user._is_public():
            return None, request.redirect(f"/web/login?redirect=/my/forms/{form_id}")
        return None, self._clinic_not_found()

    @http.route(["/my/forms/<int:form_id>"], type="http", auth="public", website=True, methods=["GET"])
    def portal_clinic_form(self, form_id, access_token=None, **kw):
        form_sudo, refusal = self._clinic_form_or_refusal(form_id, access_token)
        return refusal or self._clinic_render_form(form_sudo, access_token=access_token)

    def _clinic_render_form(self, form_sudo, status=200, error=None, posted=None, access_token=None):
        questions = form_sudo._get_questions_for_display()
        if posted is not None:
            # What the client typed is shown again as they typed it, with the error.
            for question in questions:
                question["value"] = posted.get(f"q_{question['id']}", "")
        return request.render("clinic_portal.portal_clinic_form", {
            **self._prepare_portal_layout_values(),
            "form": form_sudo,
            "questions": questions,
            "error": error,
            "page_name": "clinic_form",
            "form_token": access_token,
            "form_url": self._clinic_form_url(form_sudo, access_token),
            "sign_url": self._clinic_form_url(form_sudo, access_token, "/sign"),
        }, status=status)

    @http.route(["/my/forms/<int:form_id>"], type="http", auth="public", website=True, methods=["POST"])
    def portal_clinic_form_submit(self, form_id, access_token=None, **post):
        form_sudo, refusal = self._clinic_form_or_refusal(form_id, access_token)
        if refusal:
            return refusal
        answers = {}
        for question in form_sudo._get_questions_for_display():
            key = f"q_{question['id']}"
            if question["kind"] == "yes_no":
                answers[question["id"]] = post.get(key) or ""
            elif key in post:
                answers[question["id"]] = post[key]
        try:
            # Savepoint: a wrong answer leaves the form as it was, and the page shows what was typed.
            with request.env.cr.savepoint():
                form_sudo._submit(answers=answers)
        except UserError as error:
            return self._clinic_render_form(form_sudo, status=400, error=str(error), posted=post,
                                            access_token=access_token)
        return request.redirect(self._clinic_form_url(form_sudo, access_token))

    @http.route(["/my/forms/<int:form_id>/sign"], type="json", auth="public", website=True)
    def portal_clinic_form_sign(self, form_id, name=None, signature=None, access_token=None, **kw):
        """Called by the portal's signature dialog (JSON, as sale orders are signed)."""
        if access_token:
            retry = request.env["clinic.rate.limit"]._hit("appointment_link", request.httprequest.remote_addr)
            if retry:
                return {"error": request.env._("Too many requests: try again in %s seconds.", retry)}
        form_sudo = self._clinic_check_form(form_id, access_token)
        if not form_sudo:
            return {"error": request.env._("This form is not yours to sign.")}
        try:
            with request.env.cr.savepoint():
                form_sudo._sign(name, signature, ip=request.httprequest.remote_addr)
        except UserError as error:
            return {"error": str(error)}
        return {"force_refresh": True, "redirect_url": self._clinic_form_url(form_sudo, access_token)}
