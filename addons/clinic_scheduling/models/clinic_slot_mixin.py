from odoo import fields, models
from odoo.tools import format_datetime


class ClinicSlotMixin(models.AbstractModel):
    """A proposed slot, as the availability engine returns it: the booking wizard's free times,
    a recurring series' planned visits, a waitlist offer. One definition of the fields and of
    "book this", which goes through ``clinic.appointment._book_slot``."""

    _name = "clinic.slot.mixin"
    _description = "Proposed Slot"

    start = fields.Datetime()
    stop = fields.Datetime()
    provider_id = fields.Many2one("clinic.provider")
    location_id = fields.Many2one("clinic.location")
    room_id = fields.Many2one("clinic.room")

    def _slot_values(self):
        """This slot as the engine's dict (``start``, ``stop``, ``provider_id``, ``location_id``,
        ``room_id``)."""
        self.ensure_one()
        return {
            "start": self.start, "stop": self.stop, "provider_id": self.provider_id.id,
            "location_id": self.location_id.id, "room_id": self.room_id.id,
        }

    def _book(self, service, partner, source="staff", **values):
        """Book this slot of ``service`` for ``partner``; raises ``SlotTaken`` when it is not free."""
        return self.env["clinic.appointment"]._book_slot(service, self._slot_values(), partner, source, **values)

    def _slot_label(self, dt_format="EEE d MMM, HH:mm"):
        """The start in the location's time zone, e.g. 'Tue 3 Mar, 10:15'."""
        self.ensure_one()
        return format_datetime(self.env, self.start, tz=self.location_id.tz or "UTC", dt_format=dt_format)
