from datetime import timedelta

import pytz

from odoo import api, models
from odoo.exceptions import MissingError, ValidationError

from odoo.addons.clinic_scheduling.tools import intervals as iv
from odoo.addons.clinic_scheduling.tools import validation

# The longest range of days one request for free slots may cover.
API_MAX_SLOT_DAYS = 31


class ClinicService(models.Model):
    _inherit = "clinic.service"

    @api.model
    def _api_public_services(self, company):
        """The services the public API shows on a website of ``company``: active, bookable online,
        of that company (or shared by all)."""
        # sudo: visitors have no access right on services; the search is narrowed to the active
        # services the clinic offers online on the website's company, and callers only pass on
        # _api_public_data() and free slots.
        return self.sudo().search([("online_bookable", "=", True), ("company_id", "in", [company.id, False])])

    @api.model
    def _api_get(self, services, service_id):
        """The service ``service_id`` among ``services`` (public ones), else MissingError (404)."""
        service = services.filtered(lambda s: s.id == service_id)
        if not service:
            raise MissingError(self.env._("Service %s not found.", service_id))
        return service

    def _api_locations(self, locations):
        """Of ``locations`` (public ones), those where this service is offered."""
        self.ensure_one()
        return self.location_ids & locations if self.location_ids else locations

    def _api_public_data(self, locations):
        """What anyone may read of these services, with which of ``locations`` offer them."""
        return [{
            "id": service.id,
            "name": service.name,
            "description": service.description or None,  # sanitized HTML written by the clinic
            "discipline": service.discipline or None,
            "duration": service.duration,
            "new_clients_allowed": service.new_clients_allowed,
            "min_notice_hours": service.min_notice_hours,
            "horizon_days": service.horizon_days,
            "location_ids": service._api_locations(locations).ids,
        } for service in self]

    @api.model
    def _api_list(self, company, location_id=None):
        """Answer of GET /clinic/api/v1/services: the public services, optionally only those
        offered at ``location_id`` (unknown or non-public: MissingError)."""
        locations = self.env["clinic.location"]._api_public_locations(company)
        services = self._api_public_services(company)
        if location_id:
            location = self.env["clinic.location"]._api_get(locations, location_id)
            services = services.filtered(lambda service: location in service._api_locations(locations))
        return {"services": services._api_public_data(locations)}

    @api.model
    def _api_slots(self, company, service_id, date_from, date_to, provider_id=None, location_id=None):
        """Answer of GET /clinic/api/v1/services/<id>/slots: the free online slots of a public
        service whose start falls on a local day from ``date_from`` to ``date_to`` (dates, both
        included, each slot's day taken in its location's time zone), at public locations, with
        public providers. Unknown or non-public ids: MissingError; a bad range: ValidationError.

        One call of the availability engine (``online=True``: minimum notice and booking horizon
        apply), plus the searches of the public services, providers and locations. The answer
        names the slot's provider and location, never a room, an appointment or a client."""
        date_from = validation.check_day(self.env, date_from, "date_from")
        date_to = validation.check_day(self.env, date_to, "date_to")
        if date_to < date_from:
            raise ValidationError(self.env._("date_to must not be before date_from."))
        if (date_to - date_from).days + 1 > API_MAX_SLOT_DAYS:
            raise ValidationError(self.env._("At most %s days of slots at once.", API_MAX_SLOT_DAYS))

        service = self._api_get(self._api_public_services(company), service_id)
        locations = service._api_locations(self.env["clinic.location"]._api_public_locations(company))
        if location_id:
            locations = self.env["clinic.location"]._api_get(locations, location_id)
        providers = self.env["clinic.provider"]._api_public_providers(company).filtered(
            lambda provider: service in provider.service_ids
        )
        if provider_id:
            providers = self.env["clinic.provider"]._api_get(providers, provider_id)
            locations = providers._api_locations(locations)

        answer = {
            "service_id": service.id,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "locations": [{"id": loc.id, "name": loc.name, "tz": loc.tz} for loc in locations],
            "slots": [],
        }
        if not (locations and providers):
            return answer
        # The UTC window that holds these local days in every time zone concerned.
        zones = {location.id: pytz.timezone(location.tz or "UTC") for location in locations}
        start = min(iv.local_day_bounds(date_from, tz)[0] for tz in zones.values())
        stop = max(iv.local_day_bounds(date_to, tz)[1] for tz in zones.values())
        slots = service._get_available_slots(
            start, stop, provider_ids=providers.ids, location_id=location_id or None, online=True
        )
        last_day = date_to + timedelta(days=1)
        answer["slots"] = [{
            "start": slot["start"].isoformat() + "Z",
            "stop": slot["stop"].isoformat() + "Z",
            "provider_id": slot["provider_id"],
            "location_id": slot["location_id"],
        } for slot in slots
            if slot["location_id"] in zones
            and date_from <= iv.local_date(slot["start"], zones[slot["location_id"]]) < last_day]
        return answer
