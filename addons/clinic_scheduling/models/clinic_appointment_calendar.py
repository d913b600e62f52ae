from odoo import Command, api, models

# Fields mirrored on the provider's calendar event.
CALENDAR_FIELDS = {"start", "stop", "provider_id", "partner_id", "service_id", "location_id", "room_id", "state"}


def _differs(event, key, value):
    if key == "partner_ids":
        return set(event.partner_ids.ids) != set(value[0][2])
    current = event[key]
    return (current.id if isinstance(current, models.BaseModel) else current) != value


class ClinicAppointment(models.Model):
    """Each appointment is mirrored as a private event on its provider's Odoo Calendar."""

    _inherit = "clinic.appointment"

    @api.model_create_multi
    def create(self, vals_list):
        appointments = super().create(vals_list)
        appointments._sync_calendar_events()
        return appointments

    def write(self, vals):
        result = super().write(vals)
        if CALENDAR_FIELDS.intersection(vals):
            self._sync_calendar_events()
        return result

    def _calendar_event_values(self):
        self.ensure_one()
        location = self.location_id
        address = ""
        if location.partner_id:
            address = location.partner_id._display_address(without_company=True).replace("\n", ", ").strip(", ")
        return {
            "name": f"{self.service_id.name} – {self.partner_id.name}",
            "start": self.start,
            "stop": self.stop,
            "allday": False,
            "user_id": self.provider_id.user_id.id,
            "partner_ids": [Command.set((self.partner_id | self.provider_id.user_id.partner_id).ids)],
            "location": " – ".join(filter(None, [location.name, address, self.room_id.name])),
            "description": self.notes or False,
            "show_as": "busy",
            # Health data: colleagues who can see the provider's calendar see "busy", not the client.
            "privacy": "private",
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "active": self.state != "cancelled",
        }

    def _sync_calendar_events(self):
        """Keep one calendar.event per appointment on the provider user's calendar, in step with it.

        sudo: the provider's events are private to them; the caller already passed the access
        check on the appointments themselves (create/write).
        """
        Event = self.env["calendar.event"].sudo().with_context(
            no_mail_to_attendees=True, dont_notify=True,
            mail_create_nolog=True, mail_notrack=True, tracking_disable=True, active_test=False,
        )
        to_create = []
        for appointment in self:
            event = Event.browse(appointment.calendar_event_id.id)
            if not appointment.provider_id.user_id:
                if event.active:
                    event.active = False
                continue
            values = appointment._calendar_event_values()
            if event:
                # Only what differs: a move made in Calendar is already on the event.
                changed = {key: value for key, value in values.items() if _differs(event, key, value)}
                if changed:
                    event.write(changed)
            else:
                to_create.append((appointment, values))
        if to_create:
            events = Event.create([values for _appointment, values in to_create])
            for (appointment, _values), event in zip(to_create, events, strict=True):
                appointment.sudo().calendar_event_id = event
