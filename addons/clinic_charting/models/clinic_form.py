from odoo import models  # noqa: F401 (being written)
