"""Online booking (/book): the portal's booking rules per client, what staff are told about an
online booking, and the one method the website's booking flow calls to book."""
import ipaddress
import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request

from ..exceptions import ConsentRequired
from odoo.addons.clinic_charting.models.clinic_form import PENDING_STATES
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
    def _book_slot(self, service, slot, partner, source="staff", clinic_consents=None, **values):
        """``clinic_consents``: the online booking's agreement to consent forms (see
        :meth:`_clinic_record_online_consents`), recorded once the appointment is made."""
        appointment = super()._book_slot(service, slot, partner, source=source, **values)
        if source == "portal":
            appointment._clinic_notify_online_booking(clinic_consents)
            if clinic_consents:
                appointment._clinic_record_online_consents(clinic_consents)
        return appointment

    def _clinic_notify_online_booking(self, consents=None):
        """Tell staff: a note in the appointment's chatter, written as the client, that notifies
        the provider (by email or in Odoo, as they chose); with one line for the consent forms the
        client agreed to while booking (``consents``, see :meth:`_clinic_record_online_consents`)."""
        for appointment in self:
            provider_partner = appointment.provider_id.user_id.partner_id
            body = Markup("<p>%s</p>") % self.env._(
                "Booked online by the client: %(service)s with %(provider)s.",
                service=appointment.service_id.name, provider=appointment.provider_id.name,
            )
            if consents:
                body += Markup("<p>%s</p>") % self._clinic_consent_line(consents)
            # sudo: the booking was just made by the caller (checked by _book_slot); this posts one
            # internal note on that appointment, to its own provider.
            appointment.sudo().message_post(
                body=body,
                author_id=appointment.partner_id.id,
                message_type="comment", subtype_xmlid="mail.mt_note",
                partner_ids=provider_partner.ids,
            )

    # ------------------------------------------------------------------
    # The website's booking flow
    # ------------------------------------------------------------------
    @api.model
    def _clinic_book_online(self, company, location_id, service_id, provider_id, start, slot_provider_id,
                            client_values=None, reuse_partner_ids=(), consent_template_ids=()):
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
        :param consent_template_ids: the consent form templates (ids) the visitor ticked "I have read
            and agree" for. The service decides which are required (its published consent forms,
            less those a signed-in client holds a valid signed form of: see
            ``clinic.service._clinic_online_consents``); each must be among these very versions,
            else ``ConsentRequired`` (a ``UserError`` with a message per form) and nothing is
            booked. The agreement (forms, time, address) is recorded on the visit's forms and in
            the "Booked online" note; the forms are still signed afterwards.
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
        consents = service._clinic_online_consents(user.partner_id if signed_in else None, location, start)
        if consents:
            errors = Service._clinic_online_consent_errors(consents, consent_template_ids)
            if errors:
                raise ConsentRequired(self.env._(
                    "Please read and agree to the consent forms of %s before booking.", service.name,
                ), errors)
            consents = {"templates": consents, "agreed_at": fields.Datetime.now(), "ip": self._clinic_request_ip()}
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
            appointment = Booking._book_slot(service, slot, partner, source="portal", access_token=str(uuid.uuid4()),
                                             clinic_consents=consents or None)
        return appointment

    # ------------------------------------------------------------------
    # Consent agreed while booking online
    # ------------------------------------------------------------------
    @api.model
    def _clinic_request_ip(self):
        """The visitor's address (the current request's), or False outside a request."""
        if not request:
            return False
        try:
            return str(ipaddress.ip_address(request.httprequest.remote_addr or ""))
        except ValueError:
            return False

    def _clinic_consent_line(self, consents):
        """One line saying which consent forms (name and version) were agreed, when and from where."""
        return self.env._(
            "Consent agreed online before booking: %(forms)s, on %(date)s UTC from %(ip)s. The forms are still to "
            "be signed.",
            forms=", ".join(self.env._("%(name)s (version %(version)s)", name=t.name, version=t.version)
                            for t in consents["templates"]),
            date=fields.Datetime.to_string(consents["agreed_at"]), ip=consents["ip"] or self.env._("no address"),
        )

    def _clinic_record_online_consents(self, consents):
        """Record on each consent form that answers this visit (the one its booking requested, else
        the client's form of it still waiting to be signed) that the client agreed to its text online.

        :param consents: ``{"templates": the consent form templates agreed (the required published
            versions), "agreed_at": datetime (UTC), "ip": address or False}``, as
            :meth:`_clinic_book_online` checked them."""
        agreed = consents["templates"]
        # sudo: the appointments were just booked for these clients (_book_slot); this reads their
        # forms of the agreed versions still to sign and logs one note on each, nothing else. A
        # form waiting on a version is on the published one (publishing replaces those waiting).
        forms = self.env["clinic.form"].sudo().search(
            [("partner_id", "in", self.partner_id.ids), ("template_id", "in", agreed.ids),
             ("state", "in", PENDING_STATES)], order="id desc",
        )
        by_client = {}
        for form in forms:
            by_client.setdefault((form.partner_id, form.template_id), []).append(form)
        for appointment in self:
            for template in agreed:
                mine = by_client.get((appointment.partner_id, template), [])
                form = next((f for f in mine if f.appointment_id == appointment), mine[0] if mine else None)
                if not form:
                    continue  # none to sign (the client's valid form): the booking's note says it
                form._message_log(
                    body=self.env._(
                        "%(client)s read and agreed to version %(version)s of this form online, before booking "
                        "%(appointment)s, on %(date)s UTC from %(ip)s. Not signed yet: the signature follows "
                        "on this form.",
                        client=appointment.partner_id.name, version=template.version, appointment=appointment.name,
                        date=fields.Datetime.to_string(consents["agreed_at"]),
                        ip=consents["ip"] or self.env._("no address"),
                    ),
                    author_id=appointment.partner_id.id,
                )

    def _clinic_confirmation_queued(self):
        """Whether a confirmation email is queued for this appointment (the clinic's message rules
        decide; scheduling queues it when the appointment is created)."""
        self.ensure_one()
        # sudo: reads whether this appointment (already opened by its booker) has a queued message.
        messages = self.env["clinic.appointment.message"].sudo().search(
            [("appointment_id", "=", self.id), ("kind", "=", "confirmation"), ("state", "in", ("pending", "sent"))]
        )
        return any(message._by_email() for message in messages)
