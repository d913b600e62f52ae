"""The online booking flow's view of services (/book): what a visitor may choose, step by step, and
the free times the engine offers online, grouped in the location's local days.

Everything here reuses the public API's rules (``_api_public_*``): a visitor of the website sees
exactly the services, providers and locations the API shows to anyone for the website's company.
"""
from datetime import timedelta

import pytz

from odoo import api, fields, models

from odoo.addons.clinic_scheduling.tools import intervals as iv

# How many days of free times the date step looks at in one engine call.
BOOKING_WINDOW_DAYS = 28


class ClinicService(models.Model):
    _inherit = "clinic.service"

    max_upcoming_per_client = fields.Integer(
        string="Max Upcoming Online per Client", default=0,
        help="Online, a client may hold at most this many upcoming appointments of this service (booked or "
        "confirmed, whoever booked them); the next one is refused with a message asking them to call. "
        "Zero: no limit.",
    )

    _sql_constraints = [
        ("max_upcoming_positive", "check (max_upcoming_per_client >= 0)",
         "The maximum of upcoming appointments per client cannot be negative."),
    ]

    # ------------------------------------------------------------------------------------------
    # What a visitor may choose
    # ------------------------------------------------------------------------------------------
    @api.model
    def _booking_choice(self, company, location_id=None, service_id=None, provider_id=None):
        """Resolve the visitor's choices (ids from the URL, each optional) against what is public
        on a website of ``company``; an id that is not public raises MissingError (404).

        Returns ``{"locations", "location", "services", "service", "providers", "provider"}``:
        the public locations that offer at least one public service with a public provider; at
        the chosen location, the services offered there by such a provider; for the chosen service
        there, the public providers who offer it. Records are sudo'd by the ``_api_public_*``
        searches and only their public fields are shown.
        """
        Location, Provider = self.env["clinic.location"], self.env["clinic.provider"]
        public_locations = Location._api_public_locations(company)
        services = self._api_public_services(company)
        public_providers = Provider._api_public_providers(company)

        def offered(service, location):
            return location in service._api_locations(public_locations) and any(
                service in provider.service_ids and location in provider._api_locations(public_locations)
                for provider in public_providers
            )

        locations = public_locations.filtered(lambda loc: any(offered(s, loc) for s in services))
        choice = {"locations": locations, "location": Location, "services": services.browse(),
                  "service": services.browse(), "providers": Provider, "provider": Provider}
        if not location_id:
            return choice
        location = Location._api_get(locations, location_id)
        choice["location"] = location
        choice["services"] = services.filtered(lambda s: offered(s, location))
        if not service_id:
            return choice
        service = self._api_get(choice["services"], service_id)
        choice["service"] = service
        choice["providers"] = public_providers.filtered(
            lambda p: service in p.service_ids and location in p._api_locations(public_locations)
        )
        if provider_id:
            choice["provider"] = Provider._api_get(choice["providers"], provider_id)
        return choice

    def _booking_days(self, location, providers, day_from, days=BOOKING_WINDOW_DAYS, first_available=False):
        """Free online slots of this service at ``location`` with ``providers``, whose local start
        day at the location is from ``day_from`` for ``days`` days: ``{local date: [slots]}`` in
        order, days without a free slot left out. One call of the availability engine.

        ``first_available``: one slot per start time, with the first provider free then (in the
        providers' order), for a visitor who let the clinic choose."""
        self.ensure_one()
        tz = pytz.timezone(location.tz or "UTC")
        start = iv.local_day_bounds(day_from, tz)[0]
        stop = iv.local_day_bounds(day_from + timedelta(days=days - 1), tz)[1]
        slots = self._get_available_slots(start, stop, provider_ids=providers.ids, location_id=location.id,
                                          online=True)
        by_day, seen = {}, set()
        for slot in slots:
            if slot["location_id"] != location.id or (first_available and slot["start"] in seen):
                continue
            seen.add(slot["start"])
            by_day.setdefault(iv.local_date(slot["start"], tz), []).append(slot)
        return by_day

    def _booking_slot(self, location, provider, start):
        """The free online slot of this service at ``location`` with ``provider`` starting at
        ``start`` (naive UTC), as the engine offers it now, else None."""
        self.ensure_one()
        slots = self._get_available_slots(start, start + timedelta(seconds=1), provider_ids=provider.ids,
                                          location_id=location.id, online=True)
        return next((slot for slot in slots if slot["start"] == start and slot["location_id"] == location.id), None)

    def _booking_today(self, location):
        """Today at ``location`` (its time zone)."""
        return iv.local_date(fields.Datetime.now(), location.tz)
