"""Who an online booking is for, when the visitor is not signed in (readme/BOOKING.md).

The matching rule: a visitor who is not signed in always becomes a new client record, whatever
the name, email, phone or date of birth they type. Their details are never looked up among the
clinic's contacts: matching an existing client by email would let anyone book in someone else's
name and would tell them that this person is a client. The only record reused is one that this
same browser session created through the booking flow, with exactly the same details (a visitor
booking twice in a row is not made twice). Staff merge duplicates with Odoo's contact merge.
"""
import re
from datetime import date

from odoo import api, fields, models
from odoo.tools import email_normalize

# Visible characters a phone number is written with; it needs at least PHONE_MIN_DIGITS digits.
PHONE_PATTERN = re.compile(r"[0-9+().\-/ ]+")
PHONE_MIN_DIGITS = 6
MAX_NAME = 128
MAX_PHONE = 32
MAX_EMAIL = 254
OLDEST = date(1900, 1, 1)
# The details asked of a new client, in the order of the form.
ONLINE_CLIENT_FIELDS = ("name", "email", "phone", "birthdate")


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _clinic_online_client_values(self, raw):
        """Check the details a visitor typed (``raw``: strings by field name).

        Returns ``(values, errors)``: the cleaned values for a new client and, by field name, a
        message saying what is wrong; nothing is written. The checks are the same whether or not
        someone with these details is known: no answer depends on the clinic's contacts."""
        values, errors = {}, {}
        name = " ".join((raw.get("name") or "").split())
        if not name:
            errors["name"] = self.env._("Please give your full name.")
        elif len(name) > MAX_NAME:
            errors["name"] = self.env._("A name of at most %s characters, please.", MAX_NAME)
        values["name"] = name

        email = (raw.get("email") or "").strip()
        normalized = email_normalize(email) if len(email) <= MAX_EMAIL else False
        if not email:
            errors["email"] = self.env._("Please give your email address: the confirmation is sent there.")
        elif not normalized:
            errors["email"] = self.env._("This does not look like an email address (name@example.com).")
        values["email"] = normalized or email

        phone = " ".join((raw.get("phone") or "").split())
        if not phone:
            errors["phone"] = self.env._("Please give a phone number the clinic can call you on.")
        elif (len(phone) > MAX_PHONE or not PHONE_PATTERN.fullmatch(phone)
              or sum(char.isdigit() for char in phone) < PHONE_MIN_DIGITS):
            errors["phone"] = self.env._("A phone number with digits, spaces, +, - or brackets only, please.")
        values["phone"] = phone

        birthdate = (raw.get("birthdate") or "").strip()
        values["birthdate"] = birthdate
        if not birthdate:
            errors["birthdate"] = self.env._("Please give your date of birth.")
        else:
            try:
                day = fields.Date.to_date(birthdate)
            except ValueError:
                day = None
            today = fields.Date.context_today(self)
            if not day:
                errors["birthdate"] = self.env._("A date of birth like 1985-04-23, please.")
            elif not OLDEST <= day <= today:
                errors["birthdate"] = self.env._("A date of birth between %(first)s and today, please.",
                                                 first=OLDEST.isoformat())
            else:
                values["birthdate"] = day
        return values, errors

    @api.model
    def _clinic_online_client(self, values, company, reuse_ids=()):
        """The client record for an online booking by a visitor who is not signed in: a new one,
        or one of ``reuse_ids`` (records this visitor's session created through the flow) with
        exactly the same details. ``values`` come from :meth:`_clinic_online_client_values`.

        Returns the partner as superuser: only the booking it is made for uses it."""
        # sudo: the visitor may create no contact; this creates exactly one client from the
        # details they typed (checked), or reuses one their own session created, searched among
        # those ids only, never among the clinic's other contacts.
        Partner = self.sudo()
        if reuse_ids:
            for partner in Partner.browse(list(reuse_ids)).exists():
                same = (partner.name, (partner.email or "").lower(), partner.phone, partner.birthdate) == (
                    values["name"], values["email"].lower(), values["phone"], values["birthdate"])
                if same and partner.active and not partner.user_ids:
                    return partner
        # One message on the new contact, the note below (no "Contact created" log besides); a
        # client of the clinic from the start (scheduling would mark them at the booking).
        partner = Partner.with_context(mail_create_nolog=True).create({
            "name": values["name"],
            "email": values["email"],
            "phone": values["phone"],
            "birthdate": values["birthdate"],
            "company_id": company.id,
            "clinic_client": True,
            "lang": self.env.lang if self.env.lang in dict(self.env["res.lang"].get_installed()) else False,
        })
        partner._message_log(body=self.env._(
            "Created by an online booking: details as the visitor typed them. If this client was already "
            "known, merge the two contacts."
        ))
        return partner
