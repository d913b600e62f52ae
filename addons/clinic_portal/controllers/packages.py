from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from .portal import ClinicCustomerPortal


class ClinicPackagePortal(ClinicCustomerPortal):
    """Online payment of the client's invoices (Odoo's own invoice payment) and prepaid packages
    bought online (readme/PAYMENTS.md)."""

    def _clinic_company(self):
        return request.website.company_id

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "clinic_package_count" in counters:
            values["clinic_package_count"] = len(self._clinic_my_packages_sudo()) + len(self._clinic_for_sale_sudo())
        return values

    def _clinic_my_packages_sudo(self):
        # sudo: portal users have no access to packages; narrowed to the logged-in client's own.
        return request.env["clinic.package"].sudo().search([
            ("partner_id", "=", request.env.user.partner_id.id), ("company_id", "=", self._clinic_company().id),
        ], order="date_expiry desc, id desc")

    def _clinic_for_sale_sudo(self):
        """The packages the clinic sells online, when its clients can pay online."""
        company = self._clinic_company()
        Package = request.env["clinic.package"]
        if request.env.user._is_public() or not Package._portal_can_pay_online(company):
            return request.env["product.template"]
        # sudo: the clinic's catalogue of packages sold online, which any client may buy.
        return request.env["product.template"].sudo()._clinic_packages_for_sale(company)

    def _clinic_balance_values(self):
        values = super()._clinic_balance_values()
        company = self._clinic_company()
        can_pay = request.env["clinic.package"]._portal_can_pay_online(company)
        invoice = request.env["account.move"]
        if can_pay and values.get("clinic_balance_due"):
            # Searched as the client: record rules keep it to their own invoices (and their company's,
            # as Odoo's /my/invoices shows them).
            invoices = request.env["account.move"].search([
                ("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("company_id", "=", company.id),
                ("payment_state", "in", ("not_paid", "partial")),
            ], order="invoice_date_due, id")
            invoice = invoices.filtered(lambda move: move._has_to_be_paid())[:1]
        values.update({
            "clinic_pay_url": invoice.get_portal_url(anchor="portal_pay", query_string="&payment=True")
            if invoice else None,
            # The link to My packages: the clinic sells packages online, or the client has some
            # (sudo: portal users have no rights on packages; only whether one of their own exists).
            "clinic_show_packages": can_pay or bool(request.env["clinic.package"].sudo().search_count([
                ("partner_id", "=", request.env.user.partner_id.id), ("company_id", "=", company.id),
            ], limit=1)),
        })
        return values

    def _clinic_self_service_values(self, appointment_sudo, access_token=None):
        values = super()._clinic_self_service_values(appointment_sudo, access_token)
        pay_url = None
        # The appointment passed its access check (the client, or the holder of its private link):
        # only the client's own open invoice of this visit, in its company, is linked.
        if request.env["clinic.package"]._portal_can_pay_online(appointment_sudo.company_id):
            invoice_sudo = appointment_sudo._portal_open_invoice()
            if invoice_sudo:
                pay_url = invoice_sudo.get_portal_url(anchor="portal_pay", query_string="&payment=True")
        values.update({
            "clinic_visit_pay_url": pay_url,
            "clinic_package_cover_sudo": appointment_sudo._portal_package_cover(),
        })
        return values

    @http.route(["/my/packages"], type="http", auth="user", website=True, methods=["GET"])
    def portal_my_clinic_packages(self, **kw):
        return self._clinic_render_packages()

    def _clinic_render_packages(self, status=200, error=None):
        company = self._clinic_company()
        partner = request.env.user.partner_id
        for_sale_sudo = self._clinic_for_sale_sudo()
        return request.render("clinic_portal.portal_my_clinic_packages", {
            **self._prepare_portal_layout_values(),
            "page_name": "clinic_packages",
            "packages_sudo": self._clinic_my_packages_sudo(),
            "for_sale_sudo": for_sale_sudo,
            "prices": {template.id: template._clinic_online_price(company, partner) for template in for_sale_sudo},
            # sudo: the client's own online purchases still to pay (narrowed to their partner).
            "open_purchases_sudo": request.env["clinic.package"].sudo()._portal_open_purchases(partner, company),
            "currency": company.currency_id,
            "error": error,
        }, status=status)

    @http.route(["/my/packages/buy"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_clinic_package_buy(self, product_id=None, **kw):
        """Buy one package for the logged-in client themself (no partner is taken from the form),
        then pay it with Odoo's own invoice payment. Counted as a booking attempt (rate limit)."""
        if limited := self._clinic_rate_limited("booking"):
            return limited
        template_id = int(product_id) if product_id and str(product_id).isdigit() else 0
        company = self._clinic_company()
        # sudo: only a package this company sells online (the method checks it), sold to the
        # logged-in client's own partner.
        template_sudo = request.env["product.template"].sudo().browse(template_id).exists()
        try:
            with request.env.cr.savepoint():
                invoice_sudo = request.env["clinic.package"].sudo()._portal_buy(
                    template_sudo, request.env.user.partner_id, company,
                )
        except (UserError, ValidationError) as error:
            return self._clinic_render_packages(status=400, error=str(error))
        return request.redirect(invoice_sudo.get_portal_url(anchor="portal_pay", query_string="&payment=True"))

    @http.route(["/my/packages/purchases/<int:invoice_id>/cancel"], type="http", auth="user", website=True,
                methods=["POST"])
    def portal_my_clinic_purchase_cancel(self, invoice_id, **kw):
        """The client gives up an online purchase they have not paid. Counted as a booking attempt."""
        if limited := self._clinic_rate_limited("booking"):
            return limited
        # sudo: narrowed to this id among the logged-in client's own online package purchases.
        invoice_sudo = request.env["account.move"].sudo().search([
            ("id", "=", invoice_id), ("partner_id", "=", request.env.user.partner_id.id),
            ("clinic_package_on_payment", "=", True), ("move_type", "=", "out_invoice"),
        ], limit=1)
        if not invoice_sudo:
            return self._clinic_not_found()
        try:
            with request.env.cr.savepoint():
                request.env["clinic.package"].sudo()._portal_cancel_purchase(invoice_sudo, request.env.user.partner_id)
        except (UserError, ValidationError) as error:
            return self._clinic_render_packages(status=400, error=str(error))
        return request.redirect("/my/packages?message=purchase_cancelled")
