from odoo import fields, models


class ClinicService(models.Model):
    _inherit = "clinic.service"

    product_id = fields.Many2one(
        "product.product", string="Invoiced As", domain="[('type', '=', 'service')]",
        help="The product on the invoice line of this service; its price and taxes apply.",
    )
    list_price = fields.Float(related="product_id.lst_price", string="Price")
    no_show_product_id = fields.Many2one(
        "product.product", string="No-show Fee", domain="[('type', '=', 'service')]",
        help="Charged to the client when they miss the appointment; none means no fee.",
    )
    late_cancel_product_id = fields.Many2one(
        "product.product", string="Late-cancel Fee", domain="[('type', '=', 'service')]",
        help="Charged to the client when they cancel inside the late-cancel window; none means no fee.",
    )
