"""The public availability API, version 1: read-only JSON for booking widgets and other sites.

Anyone may call it, logged in or not, and gets the same answer: the public services, providers
(public profile only) and locations of the website's company, and free slots. Nothing personal
(clients, appointments, rooms, users, emails, phones, calendars) is ever in an answer. Each request
counts in the per-visitor "availability" rate limit (system parameter
clinic_portal.rate_limit.availability); answers are cacheable by anyone (``Cache-Control: public``),
with an ETag. Documented in readme/API.md and static/api/openapi.yaml.

Routes are read/write (not ``readonly=True``): the rate limit counts each request in the database.
"""
import json
import re
import threading
import time
from collections import OrderedDict
from datetime import date

from odoo import http
from odoo.exceptions import MissingError, ValidationError
from odoo.http import request
from odoo.tools import json_default

API = "/clinic/api/v1"
# Seconds a browser or proxy may keep an answer: lists change rarely, free slots every booking.
LIST_MAX_AGE = 300
SLOTS_MAX_AGE = 30
# Seconds this server reuses an answer it computed for the same question (per worker process): the
# same public data for every visitor, fresher than what proxies may keep (max-age above). A booking
# always re-checks its time (_book_slot), so a slot shown a few seconds after it was taken is
# refused with the next free times. A request with "Cache-Control: no-cache" gets a fresh answer.
SERVER_CACHE_S = {LIST_MAX_AGE: 60, SLOTS_MAX_AGE: 10}
SERVER_CACHE_SIZE = 512
_answers = OrderedDict()
_answers_lock = threading.Lock()
MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id cannot exist
ID_PATTERN = re.compile(r"[1-9][0-9]{0,9}")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def api_route(path):
    # GET only and without side effect on clinic data (hence no CSRF token); the session is not
    # saved, so that an answer never sets a cookie and can be cached publicly; "*" CORS without
    # credentials, as the answers are the same public data for every visitor.
    return http.route(
        path, type="http", auth="public", methods=["GET"], csrf=False, cors="*", save_session=False, readonly=False,
    )


class ClinicPublicApi(http.Controller):

    @api_route(f"{API}/locations")
    def clinic_api_locations(self, **params):
        return self._api_call(params, LIST_MAX_AGE, lambda env, company: env["clinic.location"]._api_list(company))

    @api_route(f"{API}/services")
    def clinic_api_services(self, **params):
        def call(env, company):
            location_id = self._api_id(params.get("location_id"), "location_id")
            return env["clinic.service"]._api_list(company, location_id=location_id)
        return self._api_call(params, LIST_MAX_AGE, call)

    @api_route(f"{API}/providers")
    def clinic_api_providers(self, **params):
        def call(env, company):
            service_id = self._api_id(params.get("service_id"), "service_id")
            location_id = self._api_id(params.get("location_id"), "location_id")
            return env["clinic.provider"]._api_list(company, service_id=service_id, location_id=location_id)
        return self._api_call(params, LIST_MAX_AGE, call)

    @api_route(f"{API}/services/<string:service_id>/slots")
    def clinic_api_slots(self, service_id, **params):
        def call(env, company):
            date_from = self._api_date(params.get("date_from"), "date_from")
            if not date_from:
                raise ValidationError(env._("date_from is required (a date like 2026-03-03)."))
            return env["clinic.service"]._api_slots(
                company,
                self._api_id(service_id, "service id"),
                date_from,
                self._api_date(params.get("date_to"), "date_to") or date_from,
                provider_id=self._api_id(params.get("provider_id"), "provider_id"),
                location_id=self._api_id(params.get("location_id"), "location_id"),
            )
        return self._api_call(params, SLOTS_MAX_AGE, call)

    # Any method: the answer to a POST, PUT... on a route of the API is a JSON 405, not an HTML page.
    @http.route(f"{API}/<path:subpath>", type="http", auth="public", csrf=False, cors="*", save_session=False)
    def clinic_api_unknown(self, subpath, **params):
        if request.httprequest.method not in ("GET", "HEAD"):
            return self._api_error(
                405, "method_not_allowed", request.env._("The clinic API only answers GET requests."),
                headers=[("Allow", "GET, HEAD")],
            )

        def call(env, company):
            raise MissingError(env._("No such route in the clinic API: %s", f"{API}/{subpath}"))
        return self._api_call(params, 0, call)

    # ------------------------------------------------------------------------------------------
    def _api_call(self, params, max_age, call):
        """Count the request, run ``call(env, company)`` for the current website's company and
        language, and answer its result as JSON; a MissingError is a 404, a ValidationError a 400.

        An answer the server computed a few seconds ago for the same question (same website and
        query, language included as asked) is sent again as it was encoded, with its ETag: the
        language is resolved, and the JSON written, only when an answer is computed."""
        retry = request.env["clinic.rate.limit"]._hit("availability", request.httprequest.remote_addr)
        if retry:
            return self._api_error(
                429, "too_many_requests",
                request.env._("Too many requests: try again in %s seconds.", retry),
                headers=[("Retry-After", str(retry))],
            )
        try:
            website = request.env["website"].get_current_website()
            key = (request.env.cr.dbname, website.id, request.httprequest.path, tuple(sorted(params.items())))
            body = self._api_cached(key, max_age)
            if body is None:
                lang = self._api_lang(website, params.get("lang"))
                env = request.env(context=dict(request.env.context, lang=lang))
                data = call(env, env["res.company"].browse(website.company_id.id))
                body = json.dumps(data, ensure_ascii=False, default=json_default).encode()
                self._api_remember(key, max_age, body)
        except MissingError as error:
            return self._api_error(404, "not_found", error.args[0])
        except ValidationError as error:
            return self._api_error(400, "bad_request", error.args[0])
        response = request.make_response(body, headers=[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", f"public, max-age={max_age}"),
        ])
        response.add_etag()
        return response.make_conditional(request.httprequest)

    def _api_cached(self, key, max_age):
        """The answer (encoded JSON) computed for ``key`` within the last few seconds, or None."""
        ttl = SERVER_CACHE_S.get(max_age)
        if not ttl or "no-cache" in (request.httprequest.headers.get("Cache-Control") or ""):
            return None
        with _answers_lock:
            hit = _answers.get(key)
            if hit and hit[0] > time.monotonic():
                return hit[1]
        return None

    def _api_remember(self, key, max_age, body):
        ttl = SERVER_CACHE_S.get(max_age)
        if not ttl:
            return
        with _answers_lock:
            _answers[key] = (time.monotonic() + ttl, body)
            _answers.move_to_end(key)
            while len(_answers) > SERVER_CACHE_SIZE:
                _answers.popitem(last=False)

    def _api_error(self, status, code, message, headers=()):
        return request.make_json_response(
            {"error": {"status": status, "code": code, "message": message}},
            headers=[("Cache-Control", "no-store"), *headers], status=status,
        )

    def _api_lang(self, website, code):
        """The language of names and descriptions: ``lang`` if the website has it, else its default."""
        if not code:
            return website.default_lang_id.code
        codes = website.language_ids.mapped("code")
        if code not in codes:
            raise ValidationError(request.env._("lang must be one of the website's languages: %s.", ", ".join(codes)))
        return code

    def _api_id(self, value, name):
        """A record id from the URL (None when absent), or a ValidationError (400)."""
        if value is None or value == "":
            return None
        if not ID_PATTERN.fullmatch(value) or int(value) > MAX_ID:
            raise ValidationError(request.env._("%s must be a record id (a positive integer).", name))
        return int(value)

    def _api_date(self, value, name):
        """A date written YYYY-MM-DD (None when absent), or a ValidationError (400)."""
        if value is None or value == "":
            return None
        try:
            if not DATE_PATTERN.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(request.env._("%s must be a date like 2026-03-03.", name)) from None
