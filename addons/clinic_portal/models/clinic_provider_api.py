from odoo import api, models
from odoo.exceptions import MissingError


class ClinicProvider(models.Model):
    _inherit = "clinic.provider"

    @api.model
    def _api_public_providers(self, company):
        """The providers the public API shows on a website of ``company``: active, bookable online,
        of that company (or of none)."""
        # sudo: visitors have no access right on providers; the search is narrowed to the active
        # providers the clinic lets clients book online, of the website's company, and callers
        # only pass on _api_public_data() (never the user, email, phone or calendar).
        return self.sudo().search([("online_bookable", "=", True), ("company_id", "in", [company.id, False])])

    def _api_locations(self, locations):
        """Of ``locations`` (public ones), those where this provider works."""
        self.ensure_one()
        if not self.location_ids:
            # None listed: every location of their company (public locations are all of it).
            return locations
        return self.location_ids & locations

    def _api_public_data(self, services, locations):
        """The public profile of these providers: name, title, discipline, and which of
        ``services`` they offer at which of ``locations``."""
        return [{
            "id": provider.id,
            "name": provider.name,
            "title": provider.title or None,
            "discipline": provider.discipline or None,
            "service_ids": (provider.service_ids & services).ids,
            "location_ids": provider._api_locations(locations).ids,
        } for provider in self]

    @api.model
    def _api_list(self, company, service_id=None, location_id=None):
        """Answer of GET /clinic/api/v1/providers: the public providers offering at least one
        public service, optionally only those offering ``service_id`` and working at ``location_id``
        (unknown or non-public ids: MissingError)."""
        services = self.env["clinic.service"]._api_public_services(company)
        locations = self.env["clinic.location"]._api_public_locations(company)
        service = self.env["clinic.service"]._api_get(services, service_id) if service_id else None
        location = self.env["clinic.location"]._api_get(locations, location_id) if location_id else None
        providers = self._api_public_providers(company).filtered(
            lambda provider: (provider.service_ids & services)
            and (not service or service in provider.service_ids)
            and (not location or location in provider._api_locations(locations))
        )
        return {"providers": providers._api_public_data(services, locations)}

    @api.model
    def _api_get(self, providers, provider_id):
        """The provider ``provider_id`` among ``providers`` (public ones), else MissingError (404)."""
        provider = providers.filtered(lambda p: p.id == provider_id)
        if not provider:
            raise MissingError(self.env._("Provider %s not found.", provider_id))
        return provider
