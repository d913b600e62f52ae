from odoo import api, models
from odoo.exceptions import MissingError


class ClinicLocation(models.Model):
    _inherit = "clinic.location"

    @api.model
    def _api_public_locations(self, company):
        """The sites the public API shows on a website of ``company``: its active locations.
        A location is the clinic's public place of business (name, time zone, address)."""
        # sudo: visitors have no access right on locations; the search is narrowed to the active
        # sites of the website's own company, and callers only pass on _api_public_data().
        return self.sudo().search([("company_id", "=", company.id)])

    @api.model
    def _api_get(self, locations, location_id):
        """The location ``location_id`` among ``locations`` (public ones), else MissingError (404)."""
        location = locations.filtered(lambda loc: loc.id == location_id)
        if not location:
            raise MissingError(self.env._("Location %s not found.", location_id))
        return location

    def _api_public_data(self):
        """What anyone may read of these locations: name, time zone and postal address."""
        result = []
        for location in self:
            partner = location.partner_id
            address = None
            if partner:
                address = {
                    "street": partner.street or None,
                    "street2": partner.street2 or None,
                    "zip": partner.zip or None,
                    "city": partner.city or None,
                    "state": partner.state_id.name or None,
                    "country_code": partner.country_id.code or None,
                }
            result.append({"id": location.id, "name": location.name, "tz": location.tz, "address": address})
        return result

    @api.model
    def _api_list(self, company):
        """Answer of GET /clinic/api/v1/locations."""
        return {"locations": self._api_public_locations(company)._api_public_data()}
