from odoo.exceptions import UserError, ValidationError


class SlotTaken(UserError):
    """The slot asked for is not free any more: another booking took it a moment ago (a lost race)
    or the schedule changed since it was shown.

    ``str(error)`` says what is in the way and lists the next free times; ``alternatives`` holds
    them as the availability engine returns slots (``start``, ``stop``, ``provider_id``,
    ``location_id``, ``room_id``), so that the portal, the API and the staff wizards can offer them.
    """

    def __init__(self, message, alternatives=()):
        super().__init__(message)
        self.alternatives = list(alternatives)


class BookingConflict(ValidationError):
    """An appointment would overlap another one of its provider or room (buffers included), or an
    online booking is not a slot the engine still offers: the time is not free."""
