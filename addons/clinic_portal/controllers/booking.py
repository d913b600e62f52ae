from odoo import http  # noqa: F401 (the online booking flow, being written)
