"""Online booking on the website (/book), readme/BOOKING.md.

Location -> service -> provider (or the first available) -> date and time -> the client's details ->
confirm. The steps are GET pages that only read: the choices so far are ids and a UTC start in the
query string (nothing personal). The confirmation is a POST with a CSRF token that calls
``clinic.appointment._clinic_book_online``; the booker then sees their confirmation page through
the appointment's private link (its access token) and may download it for their calendar.
"""
import re
from datetime import date, datetime, timedelta

from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import MissingError, UserError
from odoo.http import request

from ..exceptions import ConsentRequired
from ..models.clinic_service_booking import BOOKING_WINDOW_DAYS
from ..models.res_partner import ONLINE_CLIENT_FIELDS
from odoo.addons.clinic_scheduling.exceptions import SlotTaken
from odoo.addons.portal.controllers.portal import CustomerPortal

BOOK = "/book"
MAX_ID = 2**31 - 1
ID_PATTERN = re.compile(r"[1-9][0-9]{0,9}")
DAY_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A time chosen: its UTC start and its provider, e.g. 2026-03-03T14:30_12.
SLOT_PATTERN = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2})_([1-9][0-9]{0,9})")
# Session key: the client records this browser session created by booking (the matching rule).
SESSION_PARTNERS = "clinic_booking_partner_ids"

# Dates a booking URL may name (anything else is a malformed URL).
FIRST_YEAR, LAST_YEAR = 2000, 2200


def check_year(value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(value)
    return value


def slot_key(slot):
    """How a slot is written in a URL or a form: UTC start and provider id."""
    return f"{slot['start']:%Y-%m-%dT%H:%M}_{slot['provider_id']}"


class ClinicBooking(CustomerPortal):

    # ------------------------------------------------------------------------------------------
    # The steps (GET, read only)
    # ------------------------------------------------------------------------------------------
    @http.route(BOOK, type="http", auth="public", website=True, methods=["GET"], sitemap=True, readonly=False)
    def clinic_book(self, location=None, service=None, provider=None, day=None, start_day=None, slot=None, **kw):
        # Read/write only for the availability counter (rate limit); nothing else is written.
        try:
            params = self._booking_params(location, service, provider, day, start_day, slot)
            choice = self._booking_choice(params)
        except (ValueError, MissingError):
            return request.not_found()
        values = {"choice": choice, "params": params}
        if not choice["location"]:
            return self._booking_render("clinic_portal.booking_step_location", values)
        if not choice["service"]:
            return self._booking_render("clinic_portal.booking_step_service", values)
        if params["provider"] is None:
            return self._booking_render("clinic_portal.booking_step_provider", values)
        if limited := self._clinic_rate_limited("availability"):
            return limited
        if params["slot"]:
            found = self._booking_find_slot(choice, params)
            if found:
                return self._booking_render_details(values, found)
            values["message"] = request.env._("This time is no longer free. Please choose another one.")
            params["day"] = params["start_day"] = None
        return self._booking_render_days(values)

    # ------------------------------------------------------------------------------------------
    # Confirm (POST, CSRF)
    # ------------------------------------------------------------------------------------------
    @http.route(f"{BOOK}/confirm", type="http", auth="public", website=True, methods=["POST"], sitemap=False)
    def clinic_book_confirm(self, location=None, service=None, provider=None, slot=None, **post):
        if limited := self._clinic_rate_limited("booking"):
            return limited
        try:
            params = self._booking_params(location, service, provider, None, None, slot)
        except ValueError:
            return request.not_found()
        if not (params["location"] and params["service"] and params["provider"] is not None):
            return request.not_found()
        shown = {"start": params["slot"][0], "provider_id": params["slot"][1]} if params["slot"] else None
        form = {name: post.get(name, "") for name in ONLINE_CLIENT_FIELDS}
        # The consent forms ticked (template ids); the booking decides which ones it requires.
        form["consent_ids"] = self._booking_ids(request.httprequest.form.getlist("consent_ids"))
        client_values = errors = None
        if request.env.user._is_public():
            client_values, errors = request.env["res.partner"]._clinic_online_client_values(form)
        if not shown or errors:
            return self._booking_refused(params, shown, form, errors=errors or {
                "slot": request.env._("Please choose a time."),
            }, alternatives=None if shown else self._booking_list(post.get("alternatives")))
        # The choices are resolved against what the website shows once, by the booking itself
        # (MissingError for anything not public); the pages below are only for a refusal.
        try:
            self._booking_verify_captcha()
            appointment_sudo = request.env["clinic.appointment"]._clinic_book_online(
                self._booking_company(), params["location"], params["service"], params["provider"] or None,
                params["slot"][0], params["slot"][1], client_values=client_values,
                reuse_partner_ids=request.session.get(SESSION_PARTNERS, []),
                consent_template_ids=form["consent_ids"],
            )
        except MissingError:
            return request.not_found()
        except ConsentRequired as error:
            return self._booking_refused(params, shown, form, errors={
                f"consent_{template_id}": message for template_id, message in error.errors.items()
            })
        except SlotTaken as error:
            # The next free times; any of them may be chosen (the form then books with "the
            # first available"). Those of providers this website does not show are left out.
            return self._booking_refused(
                params, None, form, alternatives=error.alternatives,
                message=request.env._("Sorry, this time was just taken. Please choose another one."),
            )
        except UserError as error:
            return self._booking_refused(params, shown, form, message=error.args[0])
        if client_values:
            request.session[SESSION_PARTNERS] = [
                *request.session.get(SESSION_PARTNERS, [])[-9:], appointment_sudo.partner_id.id,
            ]
        return request.redirect(
            f"{BOOK}/done/{appointment_sudo.id}?{url_encode({'access_token': appointment_sudo.access_token})}",
            code=303,
        )

    # ------------------------------------------------------------------------------------------
    # The booker's confirmation and calendar file (GET, read only, private link)
    # ------------------------------------------------------------------------------------------
    @http.route(f"{BOOK}/done/<int:appointment_id>", type="http", auth="public", website=True, methods=["GET"],
                sitemap=False, readonly=False)
    def clinic_book_done(self, appointment_id, access_token=None, **kw):
        appointment_sudo, refusal = self._clinic_check_appointment(appointment_id, access_token)
        if refusal:
            return refusal
        values = {
            "appointment": appointment_sudo,
            "access_token": access_token,
            "email_queued": appointment_sudo._clinic_confirmation_queued(),
            "forms_to_sign": appointment_sudo.clinic_forms_to_sign,
            # A consent form of this visit still to sign was agreed to on the details step (the
            # booking refuses without it): its signature follows on the form.
            "consents_agreed": appointment_sudo.service_id.online_consent_asked and any(
                form.kind == "consent" and form.state != "signed" for form in appointment_sudo.clinic_form_ids
            ),
        }
        # The address holds the private link's token: not kept by caches, not sent on to other sites.
        return request.render("clinic_portal.booking_done", values, headers=[
            ("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer"),
        ])

    @http.route(f"{BOOK}/done/<int:appointment_id>/calendar.ics", type="http", auth="public", website=True,
                methods=["GET"],
                sitemap=False, readonly=False)
    def clinic_book_ics(self, appointment_id, access_token=None, **kw):
        appointment_sudo, refusal = self._clinic_check_appointment(appointment_id, access_token)
        if refusal:
            return refusal
        return request.make_response(appointment_sudo._ics(), headers=[
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", f'attachment; filename="{appointment_sudo.name}.ics"'),
            ("Cache-Control", "no-store"),
        ])

    # ------------------------------------------------------------------------------------------
    def _booking_company(self):
        return request.env["website"].get_current_website().company_id

    def _booking_choice(self, params):
        return request.env["clinic.service"]._booking_choice(
            self._booking_company(), params["location"], params["service"], params["provider"] or None,
        )

    def _booking_refused(self, params, shown, form, errors=None, alternatives=None, message=None):
        """The details step again, after a refused confirmation: what was typed kept, the reason
        (``errors`` by field or a ``message``) and, when the time is gone, ``alternatives``."""
        try:
            choice = self._booking_choice(params)
        except MissingError:
            return request.not_found()
        values = {"choice": choice, "params": params, "errors": errors or {}, "message": message}
        if alternatives is not None:
            values["alternatives"] = [
                {"start": a["start"], "provider_id": a["provider_id"]}
                for a in alternatives if a["provider_id"] in choice["providers"].ids
            ]
        return self._booking_render_details(values, shown, form)

    def _booking_verify_captcha(self):
        """Odoo's captcha (google_recaptcha, website_cf_turnstile) when one is installed and set up;
        without one, nothing to check. Raises a UserError for a failed check."""
        IrHttp = request.env["ir.http"]
        verify = getattr(IrHttp, "_verify_request_recaptcha_token", None)
        if verify and not verify("clinic_booking"):
            raise UserError(request.env._("Our spam protection did not let this booking through. Please try again."))

    def _booking_find_slot(self, choice, params):
        """The time the visitor picked, as the engine offers it online now, else None."""
        start, provider_id = params["slot"]
        provider = choice["providers"].filtered(lambda p: p.id == provider_id)
        if not provider or (choice["provider"] and provider != choice["provider"]):
            return None
        return choice["service"]._booking_slot(choice["location"], provider, start)

    def _booking_render_days(self, values):
        """The date and time step: the days with free times in a window, the times of one day."""
        choice, params = values["choice"], values["params"]
        service, location = choice["service"], choice["location"]
        today = service._booking_today(location)
        start_day = max(params["start_day"] or params["day"] or today, today)
        by_day = service._booking_days(location, choice["provider"] or choice["providers"], start_day,
                                       first_available=not choice["provider"])
        day = params["day"] if params["day"] in by_day else next(iter(by_day), None)
        values.update({
            "by_day": by_day,
            "day": day,
            "day_asked": params["day"],
            "start_day": start_day,
            "later_day": start_day + timedelta(days=BOOKING_WINDOW_DAYS),
            "earlier_day": start_day - timedelta(days=BOOKING_WINDOW_DAYS) if start_day > today else None,
            "provider_names": {p.id: p.name for p in choice["providers"]},
        })
        return self._booking_render("clinic_portal.booking_step_slot", values)

    def _booking_render_details(self, values, slot, form=None):
        values.update({
            "slot": slot,
            "form": form or {},
            "errors": values.get("errors", {}),
            "first_error": next((name for name in ONLINE_CLIENT_FIELDS if name in values.get("errors", {})), None),
            "provider_names": {p.id: p.name for p in values["choice"]["providers"]},
            "signed_in": not request.env.user._is_public(),
            "login_url": "/web/login?" + url_encode({"redirect": self._booking_url(values["params"])}),
        })
        if slot:
            values["slot_provider_name"] = values["provider_names"].get(slot["provider_id"])
        # The consent forms to read and agree to (none, without a query, for most services); after
        # a refusal, those not ticked are marked too.
        choice = values["choice"]
        partner = request.env.user.partner_id if values["signed_in"] else None
        consents_sudo = choice["service"]._clinic_online_consents(
            partner, choice["location"], slot and slot["start"]) if choice["service"] else choice["service"]
        if consents_sudo and values["errors"]:
            values["errors"] = {
                **{f"consent_{template_id}": message for template_id, message in
                   request.env["clinic.service"]._clinic_online_consent_errors(
                       consents_sudo, values["form"].get("consent_ids", [])).items()},
                **values["errors"],
            }
        values["consents_sudo"] = consents_sudo
        values["first_consent_error"] = next(
            (t.id for t in consents_sudo if f"consent_{t.id}" in values["errors"]), None,
        ) if not values["first_error"] else None
        return self._booking_render("clinic_portal.booking_step_details", values)

    def _booking_render(self, template, values):
        values.setdefault("message", None)
        values.setdefault("alternatives", None)
        values.update({
            "book_url": lambda **changes: self._booking_url(values["params"], **changes),
            "slot_key": slot_key,
            "page_name": "clinic_booking",
        })
        return request.render(template, values)

    def _booking_url(self, params, **changes):
        """/book with the choices so far, changed by ``changes``: a changed choice drops the later
        ones (another service needs another provider and time), None drops a choice."""
        query = {
            "location": params["location"], "service": params["service"],
            "provider": "any" if params["provider"] == 0 else params["provider"],
            "start_day": params["start_day"] and params["start_day"].isoformat(),
            "day": params["day"] and params["day"].isoformat(),
            "slot": params["slot"] and slot_key({"start": params["slot"][0], "provider_id": params["slot"][1]}),
        }
        order = list(query)
        if changes:
            first = min(order.index(key) for key in changes)
            for key in order[first + 1:]:
                query[key] = None
        for key, value in changes.items():
            query[key] = value.isoformat() if isinstance(value, date) else value
        query = {key: value for key, value in query.items() if value}
        return f"{BOOK}?{url_encode(query)}" if query else BOOK

    def _booking_params(self, location, service, provider, day, start_day, slot):
        """The visitor's choices from the query string; ValueError when one is malformed.

        ``provider`` is None (not chosen yet), 0 (the first available, written "any") or an id."""
        def record_id(value):
            if not value:
                return None
            if not ID_PATTERN.fullmatch(value) or int(value) > MAX_ID:
                raise ValueError(value)
            return int(value)

        def a_day(value):
            if not value:
                return None
            if not DAY_PATTERN.fullmatch(value):
                raise ValueError(value)
            return check_year(date.fromisoformat(value))

        chosen_slot = None
        if slot:
            match = SLOT_PATTERN.fullmatch(slot)
            if not match or int(match[2]) > MAX_ID:
                raise ValueError(slot)
            chosen_slot = (check_year(datetime.strptime(match[1], "%Y-%m-%dT%H:%M")), int(match[2]))
        return {
            "location": record_id(location),
            "service": record_id(service),
            "provider": 0 if provider == "any" else record_id(provider),
            "day": a_day(day),
            "start_day": a_day(start_day),
            "slot": chosen_slot,
        }

    def _booking_ids(self, values):
        """Record ids sent by a form (digit strings); anything else is left out."""
        return [int(value) for value in values[:20] if ID_PATTERN.fullmatch(value or "") and int(value) <= MAX_ID]

    def _booking_list(self, value):
        """Alternatives offered after a lost race, sent back with a form that chose none."""
        slots = []
        for key in (value or "").split(","):
            match = SLOT_PATTERN.fullmatch(key)
            if match and int(match[2]) <= MAX_ID:
                try:
                    start = datetime.strptime(match[1], "%Y-%m-%dT%H:%M")
                except ValueError:  # well-formed but no such date or time: not an alternative offered
                    continue
                if FIRST_YEAR <= start.year <= LAST_YEAR:
                    slots.append({"start": start, "provider_id": int(match[2])})
        return slots[:5]
