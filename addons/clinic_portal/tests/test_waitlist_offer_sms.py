"""The SMS that offers a waitlisted client a freed time carries the offer's private link to accept it
online (clinic_portal's ``_open_offer_sms_action``) once, as the client reads it on their phone.

Odoo writes an SMS from its chatter message's HTML, where a link is its text followed by a numbered
reference to its address at the end (``odoo.tools.html2plaintext``): a bare link, whose text is its
own address, would be written twice.
"""
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestWaitlistOfferSms(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.location = env["clinic.location"].create({"name": "Sms Main", "tz": "Europe/Brussels",
                                                      "sms_enabled": True})
        cls.service = env["clinic.service"].create({"name": "Sms Physio", "duration": 45})
        cls.provider = env["clinic.provider"].create({"name": "Sms Provider",
                                                      "service_ids": [Command.set(cls.service.ids)]})
        cls.client = env["res.partner"].create({"name": "Sms Client", "mobile": "+32 470 12 34 56"})
        start = datetime(2031, 6, 2, 9, 0)
        cls.entry = env["clinic.waitlist"].create({
            "partner_id": cls.client.id, "service_id": cls.service.id, "location_id": cls.location.id,
            "date_from": start.date(), "date_to": start.date(), "state": "offered",
        })
        cls.offer = env["clinic.waitlist.offer"].create({
            "waitlist_id": cls.entry.id, "start": start, "stop": start + timedelta(minutes=45),
            "provider_id": cls.provider.id, "location_id": cls.location.id, "expires_at": start,
        })

    def test_the_offer_sms_shows_its_link_once(self):
        self.assertTrue(self.env.ref("clinic_scheduling.message_rule_waitlist_offer").active)
        self.offer._notify_client()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.client.id)])
        self.assertEqual(len(sms), 1, "one offer SMS")
        link = self.offer._portal_accept_url()
        self.assertIn("access_token=", link)
        self.assertEqual(sms.body.count(link), 1, sms.body)
        self.assertNotIn("[1]", sms.body, "no numbered reference to a link")
        self.assertTrue(sms.body.startswith(f"{self.entry.company_id.name}: a time opened up for Sms Physio"), sms.body)
        # The chatter keeps the link clickable for staff.
        message = sms.mail_message_id
        self.assertIn(f'href="{link.replace("&", "&amp;")}"', str(message.body))
