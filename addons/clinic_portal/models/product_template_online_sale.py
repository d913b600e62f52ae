from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    clinic_sold_online = fields.Boolean(
        string="Sold Online", company_dependent=True, groups="base.group_user",
        help="Clients of this company can buy this prepaid package on the website portal (My packages) "
        "and pay it online. The sessions are theirs once the payment is confirmed.",
    )

    @api.constrains("clinic_sold_online", "clinic_package_sessions")
    def _check_clinic_sold_online(self):
        for template in self:
            # Each company's value: only a package (sessions > 0) is sold online.
            for company in self.env.user.company_ids:
                if template.with_company(company).clinic_sold_online and template.clinic_package_sessions <= 0:
                    raise ValidationError(self.env._(
                        "Only a prepaid package (with sessions) can be sold online: %s", template.display_name,
                    ))

    @api.model
    def _clinic_packages_for_sale(self, company):
        """The package products ``company`` sells online (its own or shared products), by name."""
        if not isinstance(company, models.BaseModel) or company._name != "res.company" or len(company) != 1:
            raise ValidationError(self.env._("Packages for sale are listed for one company."))
        return self.with_company(company).search([
            ("clinic_sold_online", "=", True), ("clinic_package_sessions", ">", 0), ("sale_ok", "=", True),
            ("company_id", "in", [False, company.id]),
        ], order="name, id")

    def _clinic_online_price(self, company, partner):
        """What the client pays for one of this package, taxes included, in the company's currency
        (the invoice of the sale computes the same)."""
        self.ensure_one()
        product = self.product_variant_id
        taxes = self.taxes_id._filter_taxes_by_company(company)
        fiscal_position = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(partner)
        taxes = fiscal_position.map_tax(taxes)
        return taxes.compute_all(self.list_price, company.currency_id, 1.0, product=product, partner=partner)[
            "total_included"
        ]
