from odoo.exceptions import UserError


class ConsentRequired(UserError):
    """An online booking whose client did not agree to every consent form the service asks for
    (or agreed to a version that is no longer the current one): nothing is booked.

    ``errors`` maps each consent form template (id) not agreed to a message for the visitor."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = dict(errors)
