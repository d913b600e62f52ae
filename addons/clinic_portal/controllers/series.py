"""Repeat weekly (readme/SERIES.md): from an upcoming appointment, the client previews the dates of
a weekly series (GET, nothing written) and books the ones they keep (POST with CSRF)."""
import pytz

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.clinic_appointment_repeat import REPEAT_INTERVALS
from .portal import ClinicCustomerPortal

# What the preview proposes before the client chooses.
DEFAULT_VISITS = 4


class ClinicSeriesPortal(ClinicCustomerPortal):

    def _clinic_self_service_values(self, appointment_sudo, access_token=None):
        values = super()._clinic_self_service_values(appointment_sudo, access_token)
        values["can_repeat"] = not appointment_sudo._portal_repeat_refusal()
        return values

    @staticmethod
    def _clinic_repeat_int(value):
        """A whole number from the query or the form, else None (the model explains the refusal)."""
        value = str(value or "").strip()
        return int(value) if value.isdigit() and len(value) < 4 else None

    def _clinic_check_repeat(self, appointment_id, access_token, scope):
        """``(appointment sudo, None)`` for the client's own appointment or its private link's, its
        request counted in the rate limit ``scope`` (the preview looks up free times, the
        confirmation books); else ``(None, the 404 or 429 response to send)``."""
        appointment_sudo, refused = self._clinic_check_appointment(appointment_id, access_token)
        refused = refused or self._clinic_rate_limited(scope)
        return (None, refused) if refused else (appointment_sudo, None)

    @http.route(["/my/appointments/<int:appointment_id>/repeat"], type="http", auth="public", website=True,
                methods=["GET"])
    def portal_clinic_appointment_repeat(self, appointment_id, access_token=None, interval=None, count=None, **kw):
        appointment_sudo, refused = self._clinic_check_repeat(appointment_id, access_token, "availability")
        if refused:
            return refused
        interval = self._clinic_repeat_int(interval) if interval else 1
        if count:
            count = self._clinic_repeat_int(count)
        elif interval in REPEAT_INTERVALS and not appointment_sudo._portal_repeat_refusal():
            count = min(DEFAULT_VISITS, appointment_sudo._portal_repeat_max(interval)) or 1
        return self._clinic_render_repeat(appointment_sudo, access_token, interval, count)

    def _clinic_render_repeat(self, appointment_sudo, access_token, interval, count, status=200, error=None,
                              kept=None):
        refusal = appointment_sudo._portal_repeat_refusal()
        lines = []
        if not refusal:
            try:
                # The appointment passed the access check; the preview only reads.
                lines = appointment_sudo._portal_repeat_preview(interval, count)
            except UserError as exc:
                error, status = str(exc), 400
        most = {weeks: appointment_sudo._portal_repeat_max(weeks) for weeks in REPEAT_INTERVALS} \
            if not refusal else {}
        return request.render("clinic_portal.portal_clinic_repeat", {
            **self._prepare_portal_layout_values(),
            "appointment": appointment_sudo,
            "access_token": access_token,
            "page_name": "clinic_appointment",
            "refusal": refusal,
            "error": error,
            "interval": interval,
            "count": count,
            "most": most,
            "intervals": REPEAT_INTERVALS,
            "lines": lines,
            "kept": kept,
            "providers": self._clinic_provider_names([line for line in lines if line["provider_id"]]),
            "tz": pytz.timezone(appointment_sudo.location_id.tz or "UTC"),
        }, status=status)

    @http.route(["/my/appointments/<int:appointment_id>/repeat"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_clinic_appointment_repeat_confirm(self, appointment_id, access_token=None, interval=None, count=None,
                                                 **kw):
        appointment_sudo, refused = self._clinic_check_repeat(appointment_id, access_token, "booking")
        if refused:
            return refused
        interval, count = self._clinic_repeat_int(interval), self._clinic_repeat_int(count)
        keep = request.httprequest.form.getlist("keep")
        try:
            # The appointment passed the access check: the client's own, or its private link. The
            # method books only times of this appointment's series that are free online now.
            result = appointment_sudo._portal_repeat_book(interval, count, keep)
        except UserError as exc:
            return self._clinic_render_repeat(appointment_sudo, access_token, interval, count, status=400,
                                              error=str(exc), kept=set(keep))
        return request.render("clinic_portal.portal_clinic_repeat_done", {
            **self._prepare_portal_layout_values(),
            "appointment": appointment_sudo,
            "access_token": access_token,
            "page_name": "clinic_appointment",
            "series_sudo": result["series"],
            "booked_sudo": result["booked"],
            "lost": result["lost"],
            "providers": self._clinic_provider_names(result["lost"]),
        })
