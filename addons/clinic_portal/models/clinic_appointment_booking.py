"""Online booking (/book): the portal's booking rules per client, what staff are told about an
online booking, and the one method the website's booking flow calls to book."""
import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.clinic_scheduling.exceptions import BookingConflict
from odoo.addons.clinic_scheduling.models.clinic_appointment import OPEN_STATES


class ClinicAppointment(models.Model):
    _inherit = "clinic.appointment"

    # ------------------------------------------------------------------
    # Booking rules of the portal (DESIGN.md: the portal adds its per-client limits)
    # ------------------------------------------------------------------
    def _book_slot_check(self, service, slot, partner, source, values):
        super()._book_slot_check(service, slot, partner, source, values)
        if source == "portal" and service.max_upcoming_per_client:
            # sudo: counts the client's own upcoming visits of this service, whoever booked them;
            # only the number is used (the visitor is the client, or a new client with none).
            upcoming = self.sudo().search_count([
                ("partner_id", "=", partner.id), ("service_id", "=", service.id),
                ("state", "in", OPEN_STATES), ("stop", ">", fields.Datetime.now()),
            ])
            if upcoming >= service.max_upcoming_per_client:
                raise UserError(self.env._(
                    "You already have %(count)s upcoming %(service)s appointments, the most that can be booked "
                    "online. Please call the clinic to book another one.",
                    count=upcoming, service=service.name,
                ))
        return True

    @api.model
    def _book_slot(self, service, slot, partner, source="staff", **values):
        appointment = super()._book_slot(service, slot, partner, source=source, **values)
        if source == "portal":
            appointment._clinic_notify_online_booking()
        return appointment

    def _clinic_notify_online_booking(self):
        """Tell staff: a note in the appointment's chatter, written as the client, that notifies
        the provider (by email or in Odoo, as they chose)."""
        for appointment in self:
            provider_partner = appointment.provider_id.user_id.partner_id
            # sudo: the booking was just made by the caller (checked by _book_slot); this posts one
            # internal note on that appointment, to its own provider.
            appointment.sudo().message_post(
                body=Markup("<p>%s</p>") % self.env._(
                    "Booked online by the client: %(service)s with %(provider)s.",
                    service=appointment.service_id.name, provider=appointment.provider_id.name,
                ),
                author_id=appointment.partner_id.id,
                message_type="comment", subtype_xmlid="mail.mt_note",
                partner_ids=provider_partner.ids,
            )

    # ------------------------------------------------------------------
    # The website's booking flow
    # ------------------------------------------------------------------
    @api.model
    def _clinic_book_online(self, company, location_id, service_id, provider_id, start, slot_provider_id,
                            client_values=None, reuse_partner_ids=()):
        """Book a free time for the website's visitor; the one call of the /book flow's confirm.

        :param company: the website's company: only its public locations, services and providers
            (as the public API shows them) can be booked; another id raises MissingError.
        :param provider_id: the provider the visitor chose, or None for the first available;
            ``slot_provider_id`` is the provider of the time they picked (the same when chosen).
        :param start: the slot's start (naive UTC); it must be a time the availability engine
            offers online now, else ``SlotTaken`` with the next free times.
        :param client_values: for a visitor who is not signed in, their checked details
            (``res.partner._clinic_online_client_values``): a new client is made (readme/BOOKING.md,
            the matching rule), or one of ``reuse_partner_ids`` their session made. A signed-in
            visitor books for themself and gives none.
        :return: the appointment (as superuser: the caller shows it to this visitor only), with its
            private link's token.

        Everything happens under one savepoint: a refused booking leaves no new client behind.
        """
        Service = self.env["clinic.service"]
        choice = Service._booking_choice(company, location_id, service_id, provider_id)
        service, location = choice["service"], choice["location"]
        provider = self.env["clinic.provider"]._api_get(choice["providers"], slot_provider_id)
        if provider_id and provider != choice["provider"]:
            raise UserError(self.env._("This time is with another provider than the one you chose."))
        user = self.env.user
        signed_in = not user._is_public()
        if signed_in == bool(client_values):
            raise UserError(self.env._("A signed-in visitor books for themself; anyone else gives their details."))
        # The time as the visitor picked it; the engine's room for it is chosen in the booking's
        # transaction, where _book_slot checks that the engine offers it online now (source portal).
        slot = {"start": start, "stop": start + timedelta(minutes=service.duration), "provider_id": provider.id,
                "location_id": location.id, "room_id": False}
        # A time someone already holds (a burst of visitors on one time: all but the first) is
        # refused before anything is written or locked; _book_slot's checks under the locks remain
        # the guarantee. sudo: an unsaved appointment of the public choice, only to compare its
        # time with the provider's appointments (nothing is read back but whether one overlaps).
        try:
            self.sudo().new({"service_id": service.id, "provider_id": provider.id, "location_id": location.id,
                             "start": slot["start"], "stop": slot["stop"]})._check_booking_conflicts()
        except BookingConflict as error:
            raise self._slot_taken(service, slot, "portal", "") from error
        with self.env.cr.savepoint():
            if signed_in:
                partner = user.partner_id
            else:
                partner = self.env["res.partner"]._clinic_online_client(client_values, company, reuse_partner_ids)
            # sudo: visitors may not create appointments. Everything booked was checked above as the
            # website's public choice; _book_slot checks in the transaction that the time is a free
            # online slot (source "portal") and applies every addon's rules, for this visitor's own
            # client record. The context is the visitor's, without any key of theirs that could
            # change what the booking does.
            # The visitor (the public user) does not follow the appointment they made, and staff
            # read one message about it: the "Booked online" note, not a creation log too.
            Booking = self.sudo().with_context(
                clinic_no_messages=False, tracking_disable=False, mail_create_nosubscribe=True,
                mail_create_nolog=True,
            )
            appointment = Booking._book_slot(service, slot, partner, source="portal", access_token=str(uuid.uuid4()))
        return appointment

    def _clinic_confirmation_queued(self):
        """Whether a confirmation email is queued for this appointment (the clinic's message rules
        decide; scheduling queues it when the appointment is created)."""
        self.ensure_one()
        # sudo: reads whether this appointment (already opened by its booker) has a queued message.
        messages = self.env["clinic.appointment.message"].sudo().search(
            [("appointment_id", "=", self.id), ("kind", "=", "confirmation"), ("state", "in", ("pending", "sent"))]
        )
        return any(message._by_email() for message in messages)
