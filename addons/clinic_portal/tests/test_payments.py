"""Online payment: a client pays their invoices with Odoo's own invoice payment, and buys a prepaid
package online. The package's sessions are theirs only once the payment is confirmed; a failed or
abandoned payment gives nothing, and a payment processed twice gives one package."""
import json

from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import PortalTourCase
from .test_self_service import NOW, SelfServiceCase


class PackageOnlineSaleCase(AccountPaymentCommon):
    """The model side, with Odoo's payment test tooling: a real provider record in test mode and
    real transactions, post-processed as Odoo does (payment created, invoice reconciled)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env.company
        cls.physio = cls.env["clinic.service"].sudo().create({
            "name": "Online Physio", "duration": 30, "company_id": cls.clinic.id,
        })
        cls.package = cls.env["product.template"].create({
            "name": "4 physio sessions", "type": "service", "list_price": 300.0, "taxes_id": [Command.clear()],
            "clinic_package_sessions": 4, "clinic_package_validity_days": 60,
            "clinic_package_service_ids": [Command.set(cls.physio.ids)], "clinic_sold_online": True,
        })
        cls.not_online = cls.env["product.template"].create({
            "name": "10 physio sessions", "type": "service", "list_price": 700.0,
            "clinic_package_sessions": 10,
        })
        cls.buyer = cls.portal_partner
        cls.Package = cls.env["clinic.package"].sudo()

    def buy(self, template=None, partner=None):
        return self.Package._portal_buy(template or self.package, partner or self.buyer, self.clinic)

    def packages(self, partner=None):
        return self.Package.with_context(active_test=False).search([("partner_id", "=", (partner or self.buyer).id)])

    def pay(self, invoice, state="done", amount=None, reference="PKG-TX"):
        tx = self._create_transaction(
            "redirect", reference=reference, amount=invoice.amount_residual if amount is None else amount,
            currency_id=invoice.currency_id.id, partner_id=invoice.partner_id.id,
            invoice_ids=[Command.set(invoice.ids)], state=state,
        )
        tx._post_process()
        return tx


@tagged("post_install", "-at_install")
class TestPackageOnlineSale(PackageOnlineSaleCase):

    def test_buying_posts_an_ordinary_invoice_for_the_buyer_and_gives_nothing_yet(self):
        invoice = self.buy()
        self.assertRecordValues(invoice, [{
            "move_type": "out_invoice", "state": "posted", "partner_id": self.buyer.id,
            "company_id": self.clinic.id, "currency_id": self.clinic.currency_id.id, "amount_total": 300.0,
            "payment_state": "not_paid", "clinic_package_on_payment": True,
        }])
        self.assertEqual(invoice.invoice_line_ids.product_id, self.package.product_variant_id)
        self.assertFalse(self.packages(), "no session before the payment is confirmed")
        self.assertEqual(self.buy(), invoice, "buying again before paying reuses the unpaid invoice")

    def test_a_confirmed_payment_gives_one_package_and_settles_the_invoice(self):
        invoice = self.buy()
        tx = self.pay(invoice)
        self.assertTrue(tx.payment_id, "Odoo's post-processing created the payment")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconciled)
        package = self.packages()
        self.assertRecordValues(package, [{
            "sessions_total": 4, "sessions_remaining": 4, "move_id": invoice.id, "company_id": self.clinic.id,
            "date_start": invoice.invoice_date,
        }])
        self.assertEqual(package.service_ids, self.physio)
        self.assertEqual(self.Package._find_for(self.buyer, self.physio, invoice.invoice_date, self.clinic), package,
                         "the next completed visit of the service uses it")
        self.assertNotEqual(self.buy(), invoice, "a paid purchase is not reused: a new purchase is a new invoice")

    def test_a_confirmed_payment_without_journal_entry_gives_the_package_too(self):
        # Odoo 18's default bank journal has no outstanding account: the payment has no journal
        # entry and settles the invoice without any reconciliation (seen on make demo).
        self.provider.journal_id.inbound_payment_method_line_ids.payment_account_id = False
        invoice = self.buy()
        tx = self.pay(invoice)
        self.assertTrue(tx.payment_id)
        self.assertFalse(tx.payment_id.move_id, "a payment without journal entry")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.packages().sessions_total, 4)

    def test_a_payment_processed_twice_gives_one_package(self):
        invoice = self.buy()
        tx = self.pay(invoice)
        payment = tx.payment_id
        tx._post_process()
        tx._set_done()
        invoice._invoice_paid_hook()
        self.assertEqual(tx.payment_id, payment, "no second payment")
        self.assertEqual(len(self.packages()), 1)
        # A second transaction for the same invoice (the client paid in two tabs) is a payment of
        # its own for the accountant to refund, never a second package.
        self.pay(invoice, amount=300.0, reference="PKG-TX-2")
        self.assertEqual(len(self.packages()), 1)

    def test_a_failed_cancelled_or_pending_payment_gives_nothing(self):
        invoice = self.buy()
        for number, state in enumerate(("error", "cancel", "pending")):
            with self.subTest(state=state):
                tx = self.pay(invoice, state=state, reference=f"PKG-FAIL-{number}")
                self.assertFalse(tx.payment_id)
                self.assertEqual(invoice.payment_state, "not_paid")
                self.assertFalse(self.packages())
        # The client comes back and pays: the same invoice, now the package.
        self.pay(invoice, reference="PKG-OK")
        self.assertEqual(len(self.packages()), 1)

    def test_a_partial_payment_gives_nothing_until_the_rest_is_paid(self):
        invoice = self.buy()
        self.pay(invoice, amount=100.0, reference="PKG-PART-1")
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(self.packages(), "an amount typed lower than the price buys no session")
        self.pay(invoice, reference="PKG-PART-2")
        self.assertEqual(self.packages().sessions_total, 4)

    def test_an_unpaid_purchase_can_be_given_up_not_a_paid_or_pending_one(self):
        invoice = self.buy()
        with self.assertRaisesRegex(UserError, "not waiting for a payment"):
            self.Package._portal_cancel_purchase(invoice, self.partner)
        self.Package._portal_cancel_purchase(invoice, self.buyer)
        self.assertEqual(invoice.state, "cancel", "cancelled, kept")
        self.assertFalse(self.packages())
        pending = self.buy()
        self.assertNotEqual(pending, invoice)
        self.pay(pending, state="pending", reference="PKG-PENDING")
        with self.assertRaisesRegex(UserError, "made or under way"):
            self.Package._portal_cancel_purchase(pending, self.buyer)
        paid = self.buy(self.package)
        self.assertEqual(paid, pending, "the pending purchase is still the open one")
        self.pay(paid, reference="PKG-PAID")
        with self.assertRaisesRegex(UserError, "not waiting for a payment"):
            self.Package._portal_cancel_purchase(paid, self.buyer)
        self.assertEqual(paid.state, "posted")
        with self.assertRaises(ValidationError):
            self.Package._portal_cancel_purchase(invoice | paid, self.buyer)

    def test_only_packages_sold_online_by_this_company_with_online_payment(self):
        with self.assertRaisesRegex(UserError, "not sold online"):
            self.buy(self.not_online)
        other = self.env["res.company"].sudo().create({"name": "Other Clinic"})
        with self.assertRaisesRegex(UserError, "not sold online"):
            self.Package._portal_buy(self.package, self.buyer, other)
        self.assertIn(self.package, self.env["product.template"]._clinic_packages_for_sale(self.clinic))
        self.assertNotIn(self.not_online, self.env["product.template"]._clinic_packages_for_sale(self.clinic))
        self.provider.state = "disabled"
        self.assertFalse(self.Package._portal_can_pay_online(self.clinic))
        with self.assertRaisesRegex(UserError, "Online payment is not available"):
            self.buy()
        self.assertFalse(self.env["account.move"].search([("clinic_package_on_payment", "=", True)]))

    def test_bad_arguments_are_refused_with_a_message(self):
        for template, partner, company in (
            (self.env["product.template"], self.buyer, self.clinic),
            (self.package | self.not_online, self.buyer, self.clinic),
            (self.package, self.buyer | self.partner, self.clinic),
            (self.package, self.buyer, self.env["res.company"]),
            (self.package.id, self.buyer, self.clinic),
        ):
            with self.subTest(template=template, partner=partner, company=company):
                with self.assertRaises(ValidationError):
                    self.Package._portal_buy(template, partner, company)
        with self.assertRaises(ValidationError):
            self.env["product.template"]._clinic_packages_for_sale(self.clinic.id)

    def test_sold_online_is_a_staff_field_for_packages_only(self):
        self.assertFalse(self.env["product.template"].with_user(self.portal_user).fields_get(["clinic_sold_online"]))
        self.assertTrue(self.env["product.template"].with_user(self.internal_user).fields_get(["clinic_sold_online"]))
        with self.assertRaisesRegex(ValidationError, "Only a prepaid package"):
            self.env["product.template"].create({"name": "Massage", "type": "service", "clinic_sold_online": True})
        # Company-scoped: sold online here, not in another clinic sharing the product.
        other = self.env["res.company"].sudo().create({"name": "Other Clinic"})
        self.assertTrue(self.package.sudo().with_company(self.clinic).clinic_sold_online)
        self.assertFalse(self.package.sudo().with_company(other).clinic_sold_online)


@tagged("post_install", "-at_install")
class TestOnlinePurchaseExpiry(PackageOnlineSaleCase):
    """A package bought online and left unpaid is given up by the daily job after the company's
    setting (7 days by default), as the client's own Cancel would; never one with a payment made,
    registered or under way."""

    LOGGER = "odoo.addons.clinic_portal.models.clinic_package_online_sale"

    def client(self, name):
        return self.env["res.partner"].create({"name": name})

    def buy_on(self, day, partner):
        with freeze_time(day):
            return self.buy(partner=partner)

    def expire_on(self, day):
        with freeze_time(day):
            return self.env["clinic.package"]._cron_expire_online_purchases()

    def due(self, partner):
        with freeze_time("2026-03-09"):
            return partner._get_clinic_balances(self.clinic).get(partner.id, (0.0, 0.0))[0]

    def test_an_unpaid_purchase_expires_after_the_setting_with_a_note(self):
        self.assertEqual(self.clinic.clinic_purchase_expiry_days, 7, "the default")
        old = self.buy_on("2026-03-01", self.buyer)
        seven_days = self.buy_on("2026-03-02", self.client("Exactly Seven"))
        recent = self.buy_on("2026-03-08", self.client("Bought Yesterday"))
        self.assertEqual(self.due(self.buyer), 300.0, "an unpaid purchase counts in the client's balance")
        with freeze_time("2026-03-09"):
            # The scheduled action as it is installed, with its user.
            self.env.ref("clinic_portal.ir_cron_clinic_expire_online_purchases").method_direct_trigger()
        self.assertEqual(old.state, "cancel", "cancelled, kept")
        self.assertTrue(old.exists())
        self.assertTrue(old.message_ids.filtered(lambda message: "not paid within 7 days" in message.body))
        self.assertEqual((seven_days.state, recent.state), ("posted", "posted"), "not older than 7 days: kept")
        self.assertEqual(self.due(self.buyer), 0.0, "no longer owed")
        self.assertNotIn(old, self.Package._portal_open_purchases(self.buyer, self.clinic))
        self.assertFalse(self.packages(), "nothing given")
        # Run again (the next day, or twice): nothing more happens to it.
        messages = len(old.message_ids)
        self.assertEqual(self.expire_on("2026-03-09"), 0)
        self.assertEqual(len(old.message_ids), messages)
        self.assertEqual(self.expire_on("2026-03-10"), 1, "the next one, a day later")
        self.assertEqual((seven_days.state, recent.state), ("cancel", "posted"))
        # The client buys again: a new purchase, the expired one stays cancelled.
        self.assertNotIn(self.buy_on("2026-03-10", self.buyer), old)

    def test_a_purchase_with_a_payment_made_or_under_way_is_kept(self):
        partial = self.buy_on("2026-03-01", self.client("Paid A Part"))
        self.pay(partial, amount=100.0, reference="EXP-PARTIAL")
        pending = self.buy_on("2026-03-01", self.client("Transfer Pending"))
        self.pay(pending, state="pending", reference="EXP-PENDING")
        authorized = self.buy_on("2026-03-01", self.client("Card Authorized"))
        self.provider.support_manual_capture = "full_only"  # a card authorized, captured later (as Odoo tests it)
        self.pay(authorized, state="authorized", reference="EXP-AUTHORIZED")
        registered = self.buy_on("2026-03-01", self.client("Payment Registered"))
        draft_payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": registered.partner_id.id,
            "amount": 300.0, "journal_id": self.provider.journal_id.id, "invoice_ids": [Command.set(registered.ids)],
        })
        self.assertEqual((draft_payment.state, registered.payment_state), ("draft", "not_paid"))
        failed = self.buy_on("2026-03-01", self.client("Payment Failed"))
        self.pay(failed, state="error", reference="EXP-FAILED")
        self.assertEqual(partial.payment_state, "partial")
        self.assertEqual(self.expire_on("2026-04-01"), 1, "a failed payment is no payment")
        self.assertEqual(failed.state, "cancel")
        for invoice in (partial, pending, authorized, registered):
            with self.subTest(invoice=invoice.partner_id.name):
                self.assertEqual(invoice.state, "posted")
        # The client's own Cancel refuses the registered payment too (the same rule).
        with self.assertRaisesRegex(UserError, "made or under way"):
            self.Package._portal_cancel_purchase(registered, registered.partner_id)

    def test_a_payment_started_lately_holds_the_purchase_a_day(self):
        invoice = self.buy_on("2026-03-01", self.buyer)
        with freeze_time("2026-03-09 10:00:00"):
            tx = self.pay(invoice, state="draft", reference="EXP-STARTED")  # the client is on the provider's page
        self.assertEqual(self.expire_on("2026-03-09 18:00:00"), 0, "a payment started this morning")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self.expire_on("2026-03-10 10:30:00"), 1, "abandoned more than a day ago")
        self.assertEqual((invoice.state, tx.state), ("cancel", "draft"))

    def test_zero_days_keeps_every_purchase(self):
        self.clinic.clinic_purchase_expiry_days = 0
        old = self.buy_on("2025-01-01", self.buyer)
        self.assertEqual(self.expire_on("2026-03-09"), 0)
        self.assertEqual(old.state, "posted")
        self.assertNotIn("not paid within", "".join(old.message_ids.mapped("body")))
        self.clinic.clinic_purchase_expiry_days = 30
        self.assertEqual(self.expire_on("2026-03-09"), 1)

    def test_the_setting_is_in_the_settings_per_company(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="clinic_purchase_expiry_days"', arch)
        settings = self.env["res.config.settings"].create({"clinic_purchase_expiry_days": 3})
        settings.execute()
        self.assertEqual(self.env.company.clinic_purchase_expiry_days, 3)

    def test_one_failure_is_logged_and_the_others_are_cancelled(self):
        locked = self.buy_on("2026-01-10", self.client("In A Locked Period"))
        others = self.buy_on("2026-02-20", self.buyer) | self.buy_on("2026-02-21", self.client("Another One"))
        # The accountant closed January: its invoices can no longer be cancelled.
        self.clinic.fiscalyear_lock_date = "2026-01-31"
        with self.assertLogs(self.LOGGER, "WARNING") as logs, freeze_time("2026-03-09"):
            self.assertEqual(self.env["clinic.package"]._cron_expire_online_purchases(batch_size=1), 2)
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn(locked.name, logs.output[0])
        self.assertEqual(locked.state, "posted")
        self.assertEqual(others.mapped("state"), ["cancel", "cancel"])


class PaymentPortalCase(SelfServiceCase):
    """The self-service clinic (Alex and Blair, portal clients), a package sold online and a payment
    provider in test mode for the website's company (as Odoo's payment tests build it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # Only the provider below takes payments in these tests.
        env["payment.provider"].search([("company_id", "=", cls.company.id)]).state = "disabled"
        method = env.ref("payment.payment_method_unknown")
        cls.provider = env["payment.provider"].create({
            "name": "Clinic Test Provider", "code": "none", "state": "test", "is_published": True,
            "company_id": cls.company.id, "payment_method_ids": [Command.set(method.ids)],
            "available_currency_ids": [Command.set(cls.company.currency_id.ids)],
            "journal_id": env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1).id,
        })
        method.active = True  # Odoo activates a method once a provider offers it.
        cls.provider.state = "disabled"  # Each test enables payments when it needs them.
        cls.package = env["product.template"].create({
            "name": "Six Self Physio", "type": "service", "list_price": 480.0, "taxes_id": [Command.clear()],
            "clinic_package_sessions": 6, "clinic_package_validity_days": 90,
            "clinic_package_service_ids": [Command.set(cls.physio.ids)], "clinic_sold_online": True,
        })
        cls.not_online = env["product.template"].create({
            "name": "Twenty Secret Massages", "type": "service", "list_price": 1500.0,
            "clinic_package_sessions": 20,
        })

    def enable_payments(self):
        self.provider.state = "test"
        # As an administrator does when enabling a provider (disabling it archived its method).
        self.env.ref("payment.payment_method_unknown").active = True

    def invoice(self, partner, amount=55.0, appointment=None):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "company_id": self.company.id,
            "invoice_date": "2026-02-20", "invoice_date_due": "2026-03-20",
            "invoice_line_ids": [Command.create({
                "name": "Visit", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
                "clinic_appointment_id": appointment.id if appointment else False,
            })],
        })
        invoice.action_post()
        return invoice

    def online_invoices(self):
        return self.env["account.move"].search([("clinic_package_on_payment", "=", True)])

    def pay_links(self, page):
        tree = lxml_html.fromstring(page.text)
        return tree.xpath("//a[contains(@class, 'o_clinic_pay_now') or contains(@class, 'o_clinic_visit_pay_now')"
                          " or contains(@class, 'o_clinic_purchase_pay')]/@href")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPayOnline(PaymentPortalCase):

    def test_pay_now_appears_only_with_a_provider_and_leads_to_the_own_invoice(self):
        invoice = self.invoice(self.alex.partner_id)
        self.invoice(self.blair.partner_id, amount=77.0)
        self.authenticate("t_self_alex", "t_self_alex_pw")
        page = self.url_open("/my/appointments")
        self.assertIn("55.00", page.text)
        self.assertFalse(self.pay_links(page), "no provider: no button")
        self.assertIn('href="/my/invoices"', page.text)
        self.enable_payments()
        page = self.url_open("/my/appointments")
        links = self.pay_links(page)
        self.assertEqual(len(links), 1)
        self.assertTrue(links[0].startswith(f"/my/invoices/{invoice.id}?"), links[0])
        self.assertIn("payment=True", links[0])
        # The link opens Odoo's own invoice page, with its payment form.
        target = self.url_open(links[0])
        self.assertEqual(target.status_code, 200)
        self.assertIn(invoice.name, target.text)
        self.assertIn(f"/invoice/transaction/{invoice.id}", target.text)
        self.assertIn('id="o_payment_form"', target.text)
        # Paid: no more button.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"payment_date": "2026-03-02"})._create_payments()
        self.assertFalse(self.pay_links(self.url_open("/my/appointments")))

    def test_the_invoice_of_a_visit_is_offered_on_its_page(self):
        self.enable_payments()
        insurer = self.env["res.partner"].create({"name": "Self Insurer", "is_company": True})
        self.invoice(insurer, amount=90.0, appointment=self.mine)
        self.authenticate("t_self_alex", "t_self_alex_pw")
        self.assertFalse(self.pay_links(self.url_open(self.mine.access_url)), "the payer's share is not the client's")
        own = self.invoice(self.alex.partner_id, amount=30.0, appointment=self.mine)
        links = self.pay_links(self.url_open(f"/my/appointments/{self.mine.id}"))
        self.assertEqual([link.split("?")[0] for link in links], [f"/my/invoices/{own.id}"])
        # The holder of the appointment's private link (a client without a login) gets it too.
        self.authenticate(None, None)
        page = self.url_open(f"/my/appointments/{self.mine.id}?access_token={self.mine._portal_ensure_token()}")
        self.assertEqual([link.split("?")[0] for link in self.pay_links(page)], [f"/my/invoices/{own.id}"])

    def test_someone_else_cannot_reach_or_pay_the_invoice(self):
        self.enable_payments()
        invoice = self.invoice(self.alex.partner_id, appointment=self.mine)
        invoice._portal_ensure_token()
        visits = [
            ("anonymous", None, None), ("anonymous, wrong token", None, "not-the-token"),
            ("another client", ("t_self_blair", "t_self_blair_pw"), None),
            ("another client, wrong token", ("t_self_blair", "t_self_blair_pw"), "not-the-token"),
        ]
        for label, login, token in visits:
            with self.subTest(label):
                self.authenticate(*(login or (None, None)))
                query = f"?access_token={token}" if token else ""
                response = self.url_open(f"/my/invoices/{invoice.id}{query}", allow_redirects=False)
                self.assertIn(response.status_code, (303, 403, 404))
                self.assertNotIn(invoice.name, response.text)
                detail = self.url_open(f"/my/appointments/{self.mine.id}{query}")
                self.assertFalse(self.pay_links(detail))
                self.assertNotIn(f"/my/invoices/{invoice.id}", detail.text)
                # Odoo's own transaction route refuses a wrong token: no transaction is created.
                tx = self.make_jsonrpc_request_quietly(f"/invoice/transaction/{invoice.id}", {
                    "access_token": token or "", "amount": invoice.amount_total, "provider_id": self.provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_unknown").id, "token_id": None,
                    "flow": "redirect", "tokenization_requested": False,
                    "landing_route": invoice.access_url, "is_validation": False,
                })
                self.assertIn("error", tx)
                self.assertFalse(invoice.transaction_ids)
        # Another client's own balance block links to their own invoices only.
        self.authenticate("t_self_blair", "t_self_blair_pw")
        self.assertFalse(self.pay_links(self.url_open("/my/appointments")))

    def make_jsonrpc_request_quietly(self, url, params):
        response = self.url_open(url, data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
                                 headers={"Content-Type": "application/json"})
        return response.json()


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMyPackages(PaymentPortalCase):

    def test_anonymous_and_wrong_token_are_sent_to_log_in(self):
        self.enable_payments()
        self.authenticate(None, None)
        for url in ("/my/packages", "/my/packages?access_token=not-the-token"):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                self.assertIn("/web/login", response.headers["Location"])
        response = self.post("/my/packages/buy", {"product_id": self.package.id})
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.assertFalse(self.online_invoices())

    def test_a_client_sees_their_own_packages_and_those_for_sale(self):
        product = self.package.product_variant_id
        self.env["clinic.package"].sudo().create({
            "partner_id": self.alex.partner_id.id, "product_id": product.id, "sessions_total": 6,
            "service_ids": [Command.set(self.physio.ids)], "date_start": "2026-02-01", "date_expiry": "2026-05-02",
            "company_id": self.company.id,
        })
        self.authenticate("t_self_alex", "t_self_alex_pw")
        page = self.url_open("/my/packages")
        mine = lxml_html.fromstring(page.text).xpath("//div[contains(@class, 'o_clinic_my_package ')]")
        self.assertEqual(len(mine), 1)
        self.assertIn("6 of 6 sessions left", mine[0].text_content())
        self.assertIn("Self Physio", mine[0].text_content())
        self.assertNotIn("o_clinic_package_buy", page.text, "no provider: nothing to buy online")
        self.enable_payments()
        page = self.url_open("/my/packages")
        offers = lxml_html.fromstring(page.text).xpath("//div[contains(@class, 'o_clinic_package_offer')]")
        offers = {o.xpath(".//h3")[0].text_content(): o.text_content() for o in offers}
        self.assertIn("Six Self Physio", offers)
        self.assertIn("480.00", offers["Six Self Physio"])
        self.assertIn("6 sessions", offers["Six Self Physio"])
        self.assertIn("For Self Physio", offers["Six Self Physio"])
        self.assertIn("Valid 90 days", offers["Six Self Physio"])
        self.assertNotIn("Twenty Secret Massages", page.text)
        # The upcoming physio visit says it is covered.
        detail = self.url_open(self.mine.access_url)
        self.assertIn("Covered by your package", detail.text)
        self.assertIn("(6 left)", detail.text)
        # Another client sees none of it.
        self.authenticate("t_self_blair", "t_self_blair_pw")
        page = self.url_open("/my/packages")
        self.assertIn("You have no prepaid package yet", page.text)
        self.assertFalse(lxml_html.fromstring(page.text).xpath("//div[contains(@class, 'o_clinic_my_package ')]"))
        self.assertNotIn("Alex Selfserve", page.text)

    def test_buying_is_for_oneself_and_leads_to_odoos_payment(self):
        self.enable_payments()
        self.authenticate("t_self_alex", "t_self_alex_pw")
        response = self.post("/my/packages/buy", {
            "product_id": self.package.id, "partner_id": self.blair.partner_id.id,
        })
        self.assertEqual(response.status_code, 303)
        invoice = self.online_invoices()
        self.assertEqual(invoice.partner_id, self.alex.partner_id, "a client buys for themself only")
        self.assertEqual(invoice.currency_id, self.company.currency_id)
        self.assertEqual(invoice.amount_total, 480.0)
        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", response.headers["Location"])
        page = self.url_open(response.headers["Location"])
        self.assertIn(f"/invoice/transaction/{invoice.id}", page.text, "Odoo's own payment form")
        self.assertIn('id="o_payment_form"', page.text)
        self.assertFalse(self.env["clinic.package"].sudo().search([("partner_id", "=", self.alex.partner_id.id)]))
        # Back on the page: the purchase waits for its payment; buying again does not bill twice.
        page = self.url_open("/my/packages")
        self.assertEqual([link.split("?")[0] for link in self.pay_links(page)], [f"/my/invoices/{invoice.id}"])
        self.post("/my/packages/buy", {"product_id": self.package.id})
        self.assertEqual(self.online_invoices(), invoice)
        # Blair sees neither the purchase nor its link.
        self.authenticate("t_self_blair", "t_self_blair_pw")
        page = self.url_open("/my/packages")
        self.assertFalse(self.pay_links(page))
        self.assertNotIn(invoice.name, page.text)

    def test_giving_up_an_unpaid_purchase(self):
        self.enable_payments()
        self.authenticate("t_self_alex", "t_self_alex_pw")
        self.post("/my/packages/buy", {"product_id": self.package.id})
        invoice = self.online_invoices()
        url = f"/my/packages/purchases/{invoice.id}/cancel"
        self.authenticate("t_self_blair", "t_self_blair_pw")
        response = self.post(url)
        self.assertEqual(response.status_code, 404, "another client")
        self.assertNotIn(invoice.name, response.text)
        self.authenticate(None, None)
        response = self.post(url)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("t_self_alex", "t_self_alex_pw")
        self.assertEqual(self.post(url, {"reason": "x"}, csrf=False).status_code, 400, "no CSRF token")
        self.assertIn(self.url_open(url, allow_redirects=False).status_code, (404, 405), "GET cancels nothing")
        self.assertEqual(invoice.state, "posted")
        response = self.post(url)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(invoice.state, "cancel")
        page = self.url_open(response.headers["Location"])
        self.assertIn("o_clinic_purchase_cancelled", page.text)
        self.assertFalse(self.pay_links(page))
        response = self.post(url)
        self.assertEqual(response.status_code, 400, "already cancelled")

    def test_buying_or_cancelling_too_often_is_slowed_down(self):
        self.enable_payments()
        self.env["ir.config_parameter"].set_param("clinic_portal.rate_limit.booking", "1/3600")
        self.authenticate("t_self_alex", "t_self_alex_pw")
        self.assertEqual(self.post("/my/packages/buy", {"product_id": self.package.id}).status_code, 303)
        invoice = self.online_invoices()
        self.assertEqual(len(invoice), 1)
        response = self.post(f"/my/packages/purchases/{invoice.id}/cancel")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many requests", response.text)
        self.assertTrue(1 <= int(response.headers["Retry-After"]) <= 3600)
        self.assertEqual(invoice.state, "posted", "not cancelled")
        other = self.env["product.template"].create({
            "name": "Three Self Physio", "type": "service", "list_price": 240.0, "taxes_id": [Command.clear()],
            "clinic_package_sessions": 3, "clinic_package_service_ids": [Command.set(self.physio.ids)],
            "clinic_sold_online": True,
        })
        response = self.post("/my/packages/buy", {"product_id": other.id})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.online_invoices(), invoice, "nothing bought")

    def test_refused_purchases_change_nothing(self):
        self.enable_payments()
        self.authenticate("t_self_alex", "t_self_alex_pw")
        for data, status in (
            ({"product_id": self.not_online.id}, 400), ({"product_id": "abc"}, 400), ({}, 400),
            ({"product_id": 999999}, 400),
        ):
            with self.subTest(data=data):
                response = self.post("/my/packages/buy", data)
                self.assertEqual(response.status_code, status)
                self.assertIn("o_clinic_package_error", response.text)
        response = self.post("/my/packages/buy", {"product_id": self.package.id}, csrf=False)
        self.assertEqual(response.status_code, 400, "no CSRF token")
        response = self.url_open(f"/my/packages/buy?product_id={self.package.id}", allow_redirects=False)
        self.assertIn(response.status_code, (404, 405), "GET buys nothing")
        self.provider.state = "disabled"
        response = self.post("/my/packages/buy", {"product_id": self.package.id})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.online_invoices())


@tagged("post_install", "-at_install")
class TestPackageTour(PortalTourCase):
    """A portal client opens My packages and starts buying one (desktop and phone)."""
    tour_name = "clinic_portal_packages"
    tour_login = "t_pack_tour"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = env.ref("website.default_website").company_id
        env["payment.provider"].search([("company_id", "=", company.id)]).state = "disabled"
        method = env.ref("payment.payment_method_unknown")
        env["payment.provider"].create({
            "name": "Tour Test Provider", "code": "none", "state": "test", "is_published": True,
            "company_id": company.id, "payment_method_ids": [Command.set(method.ids)],
            "available_currency_ids": [Command.set(company.currency_id.ids)],
        })
        method.active = True  # Odoo activates a method once a provider offers it.
        service = env["clinic.service"].create({"name": "Tour Pack Physio", "duration": 30, "company_id": company.id})
        cls.package = env["product.template"].create({
            "name": "Tour Five Physio", "type": "service", "list_price": 350.0, "taxes_id": [Command.clear()],
            "clinic_package_sessions": 5, "clinic_package_service_ids": [Command.set(service.ids)],
            "clinic_sold_online": True,
        })
        cls.client = new_test_user(env, "t_pack_tour", password="t_pack_tour", groups="base.group_portal",
                                   name="Tour Packclient")

    def check_tour(self, before):
        invoice = self.env["account.move"].search([("clinic_package_on_payment", "=", True),
                                                   ("partner_id", "=", self.client.partner_id.id)])
        self.assertEqual(invoice.invoice_line_ids.product_id.product_tmpl_id, self.package)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(self.env["clinic.package"].sudo().search([("partner_id", "=", self.client.partner_id.id)]))
