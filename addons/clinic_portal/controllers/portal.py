from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.clinic_scheduling.models.clinic_appointment import ACTIVE_STATES
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


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
        })
        return request.render("clinic_portal.portal_my_clinic_appointments", values)

    @http.route(["/my/appointments/<int:appointment_id>"], type="http", auth="public", website=True)
    def portal_clinic_appointment(self, appointment_id, access_token=None, **kw):
        # A private link is a secret in the URL: whoever tries many of them is slowed down.
        retry = request.env["clinic.rate.limit"]._hit("appointment_link", request.httprequest.remote_addr)
        if retry:
            return self._clinic_too_many_requests(retry)
        try:
            appointment_sudo = self._document_check_access("clinic.appointment", appointment_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            appointment_sudo, access_token, {"appointment": appointment_sudo, "page_name": "clinic_appointment"},
            "my_clinic_appointments_history", False,
        )
        return request.render("clinic_portal.portal_clinic_appointment_page", values)

    def _clinic_too_many_requests(self, retry_after):
        """HTTP 429 with a page a person understands, and when to try again."""
        return request.render(
            "clinic_portal.too_many_requests", {"retry_after": retry_after}, status=429,
            headers=[("Retry-After", str(retry_after))],
        )
