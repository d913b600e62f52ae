from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import BillingCase


@tagged("post_install", "-at_install")
class TestCharging(BillingCase):

    def sell(self, product, partner):
        return self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": date(2026, 3, 1),
            "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 1.0})],
        })

    def client_moves(self):
        return self.env["account.move"].search([("partner_id", "=", self.client.id)], order="id")

    def test_client_invoices_per_visit_or_per_day_and_payer_per_month(self):
        self.cover(payer_share=50.0)
        self.env.company.write({"clinic_client_invoice_grouping": "day", "clinic_payer_invoice_grouping": "month"})
        visits = [self.visit("2026-03-03 14:00"), self.visit("2026-03-03 16:00"), self.visit("2026-03-04 14:00")]
        Charge = self.env["clinic.charge"]
        waiting = Charge.search([("debtor_id", "=", self.insurer.id), ("move_line_id", "=", False)])
        self.assertEqual(len(waiting), 3, "the payer's shares wait for the daily job")
        self.assertEqual(set(waiting.appointment_id.mapped("billing_state")), {"charged"})
        Charge._cron_invoice_pending()
        payer_lines = self.env["account.move"].search([("partner_id", "=", self.insurer.id)]).invoice_line_ids
        self.assertEqual(len(payer_lines), 3)
        visits.append(self.visit("2026-04-01 14:00"))
        Charge._cron_invoice_pending()
        client_moves = self.client_moves()
        self.assertEqual(len(client_moves), 3, "3 days: 3 client invoices")
        self.assertEqual(client_moves[0].invoice_line_ids.clinic_appointment_id, visits[0] | visits[1])
        self.assertEqual(client_moves[0].invoice_date, date(2026, 3, 3))
        self.assertEqual(client_moves[0].invoice_date_due, date(2026, 3, 3), "due on the day of the visits")
        payer_moves = self.env["account.move"].search([("partner_id", "=", self.insurer.id)], order="id")
        self.assertEqual(len(payer_moves), 2, "March and April")
        self.assertEqual(len(payer_moves[0].invoice_line_ids), 3)
        self.assertEqual(set((client_moves | payer_moves).mapped("state")), {"draft"})
        self.assertEqual(sum(payer_moves.mapped("amount_untaxed")) + sum(client_moves.mapped("amount_untaxed")), 400.0)
        # Per visit for clients: one invoice each.
        self.env.company.clinic_client_invoice_grouping = "visit"
        self.visit("2026-03-03 18:00")
        self.visit("2026-03-03 19:00")
        self.assertEqual(len(self.client_moves()), 5)
        # Completed two days late: dated and due on the day of the visit.
        late = self.complete(self.book("2026-03-05 14:00"), when="2026-03-07 12:00")
        move = late.charge_ids.filtered(lambda c: not c.is_payer_share).move_id
        self.assertEqual((move.invoice_date, move.invoice_date_due), (date(2026, 3, 5), date(2026, 3, 5)))

    def test_monthly_payer_invoices_are_filled_daily_and_posted_once_the_month_is_over(self):
        self.cover(payer_share=80.0)
        self.env.company.write({"clinic_payer_invoice_grouping": "month", "clinic_invoice_auto_post": True})
        march = [self.visit("2026-03-03 14:00"), self.visit("2026-03-31 14:00")]
        # A visit reset before the job runs leaves nothing to invoice for the payer.
        march[1].action_reset_to_booked()
        self.assertEqual(march[1].charge_ids.mapped("state"), ["reversed", "reversed"])
        self.assertEqual(march[0].charge_ids.filtered(lambda c: not c.is_payer_share).move_id.state, "posted")
        Charge = self.env["clinic.charge"]
        with freeze_time("2026-03-31 12:00:00"):
            Charge._cron_invoice_pending()
        payer_invoice = march[0].charge_ids.filtered("is_payer_share").move_id
        self.assertEqual((payer_invoice.state, len(payer_invoice.invoice_line_ids)), ("draft", 1), "March goes on")
        # The accountant may put what waits on the invoice at once.
        april = self.visit("2026-04-02 14:00")
        april.charge_ids.with_user(self.accountant).action_invoice_now()
        self.assertTrue(april.charge_ids.filtered("is_payer_share").move_line_id)
        with self.assertRaises(AccessError):
            april.charge_ids.with_user(self.frontdesk).action_invoice_now()
        with freeze_time("2026-04-03 02:00:00"):
            Charge._cron_invoice_pending()
        self.assertEqual((payer_invoice.state, payer_invoice.invoice_date), ("posted", date(2026, 3, 31)))
        self.assertEqual(april.charge_ids.filtered("is_payer_share").move_id.state, "draft", "April is not over")

    def test_auto_post_and_undo_with_a_credit_note(self):
        self.env.company.clinic_invoice_auto_post = True
        visit = self.visit("2026-03-03 14:00")
        invoice = visit.charge_ids.move_id
        self.assertEqual((invoice.state, invoice.amount_total, invoice.partner_id), ("posted", 100.0, self.client))
        self.assertEqual(self.client.clinic_balance_due, 100.0)
        visit.action_reset_to_booked()
        refund = visit.charge_ids.reversal_move_id
        self.assertEqual((refund.move_type, refund.state, refund.amount_total), ("out_refund", "posted", 100.0))
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(invoice.payment_state, "reversed", "credited and reconciled")
        self.client.invalidate_recordset(["clinic_balance_due"])
        self.assertEqual(self.client.clinic_balance_due, 0.0)
        self.assertEqual((visit.state, visit.billing_state, visit.charge_ids.state), ("booked", "none", "reversed"))
        # Completing again charges again.
        self.complete(visit)
        self.assertEqual(len(visit.charge_ids), 2)
        self.assertEqual(visit.billing_state, "charged")

    def test_undo_takes_the_line_off_a_draft_and_cancels_an_emptied_one(self):
        self.env.company.clinic_client_invoice_grouping = "day"
        first = self.visit("2026-03-03 14:00")
        second = self.visit("2026-03-03 16:00")
        draft = first.charge_ids.move_id
        self.assertEqual(draft, second.charge_ids.move_id)
        first.action_reset_to_booked()
        self.assertEqual(draft.invoice_line_ids.clinic_appointment_id, second)
        self.assertEqual(draft.state, "draft")
        self.assertIn("was reset", draft.message_ids[0].body)
        second.action_reset_to_booked()
        self.assertEqual(draft.state, "cancel", "an emptied draft is cancelled, not deleted")
        self.assertTrue(draft.exists())
        self.assertFalse(second.message_ids.filtered(lambda m: "no longer billed" in (m.body or "")),
                         "an undo is not a deletion")

    def test_a_line_deleted_or_an_invoice_cancelled_by_the_accountant_lists_the_visit_as_not_charged(self):
        self.env.company.clinic_client_invoice_grouping = "day"
        first = self.visit("2026-03-03 14:00")
        second = self.visit("2026-03-03 16:00")
        draft = first.charge_ids.move_id
        draft.with_user(self.accountant).write({"invoice_line_ids": [(2, first.charge_ids.move_line_id.id)]})
        self.assertEqual((first.billing_state, second.billing_state), ("to_charge", "charged"))
        self.assertIn("its invoice line was deleted", first.message_ids[0].body)
        draft.with_user(self.accountant).button_cancel()
        self.assertEqual(second.billing_state, "to_charge")
        self.assertIn("its invoice was cancelled", second.message_ids[0].body)
        # Both can be charged again from the list of visits not charged.
        (first | second).action_clinic_charge()
        self.assertEqual(set((first | second).mapped("billing_state")), {"charged"})
        self.assertNotEqual((first | second).charge_ids.filtered(lambda c: c.state == "charged").move_id, draft)

    def test_charged_again_after_the_accountant_dropped_it_uses_the_plan_once(self):
        self.cover(payer=self.motor)
        plan = self.env["clinic.authorization"].create({
            "name": "AUTH-R", "case_id": self.env["clinic.case"].create(
                {"title": "Neck", "partner_id": self.client.id}).id,
            "payer_id": self.motor.id, "visits_approved": 3, "date_start": date(2026, 1, 1),
            "date_end": date(2026, 12, 31),
        })
        visit = self.visit("2026-03-03 14:00")
        self.assertEqual(plan.visits_used, 1)
        invoice = visit.charge_ids.move_id
        invoice.with_user(self.accountant).button_cancel()
        self.assertEqual((plan.visits_used, visit.billing_state), (0, "to_charge"), "the plan's use goes too")
        with self.assertRefused(UserError, "charge them again from the visits"):
            invoice.with_user(self.accountant).button_draft()
        visit.action_clinic_charge()
        self.assertEqual((plan.visits_used, plan.amount_used), (1, 100.0))
        self.assertEqual(len(plan.usage_ids.filtered(lambda u: not u.reversed)), 1)

    def test_a_credit_note_made_in_invoicing_is_not_credited_twice(self):
        self.env.company.clinic_invoice_auto_post = True
        visit = self.visit("2026-03-03 14:00")
        invoice = visit.charge_ids.move_id
        invoice._reverse_moves([{"invoice_date": date(2026, 3, 5)}]).action_post()
        self.assertEqual((visit.charge_ids.state, visit.billing_state), ("reversed", "to_charge"))
        self.assertIn("its invoice was credited", visit.message_ids[0].body)
        visit.action_reset_to_booked()
        self.assertEqual(len(self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])), 1)

    def test_undoing_a_posted_charge_is_for_the_manager_or_the_accountant(self):
        self.env.company.clinic_invoice_auto_post = True
        visit = self.visit("2026-03-03 14:00")
        with self.assertRefused(UserError, "issues a credit note, which the clinic manager or the accountant"):
            visit.with_user(self.frontdesk).action_reset_to_booked()
        self.assertEqual(visit.state, "done")
        visit.with_user(self.manager).action_reset_to_booked()
        self.assertEqual((visit.state, visit.charge_ids.reversal_move_id.state), ("booked", "posted"))

    def test_fees_for_no_show_and_late_cancel(self):
        with freeze_time("2026-03-03 12:00:00"):
            missed = self.book("2026-03-03 10:00")
            late = self.book("2026-03-04 10:00")  # the next day (5:00 local): inside the 24-hour window
            early = self.book("2026-03-10 20:00")
            missed.with_user(self.frontdesk).action_no_show()
            (late | early).with_user(self.frontdesk).action_cancel(self.reason_client)
        self.assertEqual([(c.kind, c.amount) for c in missed.charge_ids], [("no_show", 40.0)])
        self.assertEqual([(c.kind, c.amount, c.date) for c in late.charge_ids],
                         [("late_cancel", 25.0, date(2026, 3, 3))], "dated when cancelled")
        self.assertFalse(early.charge_ids, "cancelled in time: no fee")
        self.assertEqual(early.billing_state, "none")
        self.assertIn("No-show fee", missed.charge_ids.move_line_id.name)
        # A service without a fee product charges nothing.
        with freeze_time("2026-03-03 12:00:00"):
            massage = self.book("2026-03-03 10:00", service=self.massage, room=self.room_2)
            massage.action_no_show()
        self.assertFalse(massage.charge_ids)

    def test_a_visit_without_product_is_listed_as_not_charged_and_can_be_charged_later(self):
        visit = self.visit("2026-03-03 14:00", service=self.talk, provider=self.carol)
        self.assertEqual(visit.billing_state, "to_charge")
        self.assertIn("has no product", visit.message_ids[0].body)
        not_charged = self.env["clinic.appointment"].search(
            [("state", "=", "done"), ("billing_state", "=", "to_charge"), ("company_id", "=", self.env.company.id)])
        self.assertEqual(not_charged, visit)
        with self.assertRefused(UserError, "Only completed visits that were not charged"):
            self.visit("2026-03-03 16:00").action_clinic_charge()
        self.talk.product_id = self.massage_product
        visit.with_user(self.frontdesk).action_clinic_charge()
        self.assertEqual((visit.billing_state, visit.charge_ids.amount), ("charged", 120.0))

    def test_payer_fee_schedule_and_analytic_distribution(self):
        pricelist = self.env["product.pricelist"].create({
            "name": "Sun Mutual fees", "item_ids": [(0, 0, {
                "applied_on": "0_product_variant", "product_id": self.physio_product.id,
                "compute_price": "fixed", "fixed_price": 80.0,
            })],
        })
        self.insurer.clinic_pricelist_id = pricelist
        self.cover(payer_share=75.0)
        plan = self.env["account.analytic.plan"].create({"name": "Clinic sites"})
        people = self.env["account.analytic.plan"].create({"name": "Clinic providers"})
        self.location.analytic_account_id = self.env["account.analytic.account"].create(
            {"name": "Main site", "plan_id": plan.id})
        self.alice.analytic_account_id = self.env["account.analytic.account"].create(
            {"name": "Alice", "plan_id": people.id})
        visit = self.visit("2026-03-03 14:00")
        lines = visit.charge_ids.move_line_id
        self.assertEqual(sorted(lines.mapped("price_subtotal")), [20.0, 60.0], "75/25 of the payer's 80")
        expected = {str(self.location.analytic_account_id.id): 100.0, str(self.alice.analytic_account_id.id): 100.0}
        for line in lines:
            self.assertEqual(line.analytic_distribution, expected)

    def test_packages_are_sold_by_invoice_and_used_by_visits(self):
        package_product = self.env["product.product"].create({
            "name": "5 physio sessions", "type": "service", "list_price": 450.0, "taxes_id": [(5, 0, 0)],
            "clinic_package_sessions": 5, "clinic_package_service_ids": [(6, 0, self.physio.ids)],
            "clinic_package_validity_days": 90,
        })
        sale = self.sell(package_product, self.client)
        self.assertFalse(self.env["clinic.package"].search([("partner_id", "=", self.client.id)]))
        sale.action_post()
        package = self.env["clinic.package"].search([("partner_id", "=", self.client.id)])
        self.assertEqual((package.sessions_total, package.date_expiry), (5, date(2026, 5, 30)))
        visit = self.visit("2026-03-03 14:00")
        self.assertEqual((visit.billing_state, package.sessions_used, package.sessions_remaining), ("package", 1, 4))
        self.assertFalse(visit.charge_ids, "a package session, not a charge")
        massage = self.visit("2026-03-03 16:00", service=self.massage, room=self.room_2)
        self.assertEqual(massage.billing_state, "charged", "the package is for physio only")
        visit.action_reset_to_booked()
        self.assertEqual(package.sessions_used, 0)
        # Sessions run out, then visits are charged again; after expiry too.
        package.sudo().sessions_total = 1
        self.visit("2026-03-04 14:00")
        self.assertEqual(self.visit("2026-03-04 16:00").billing_state, "charged")
        with freeze_time("2026-03-05 12:00:00"):
            package.invalidate_recordset(["state"])
            self.assertEqual(package.state, "used")
        with self.assertRefused(UserError, "Sessions are used by completed visits"):
            package.with_user(self.accountant).write({"sessions_used": 0})
        # Crediting the sale closes an unused package.
        other = self.sell(package_product, self.client_2)
        other.action_post()
        unused = self.env["clinic.package"].search([("move_line_id.move_id", "=", other.id)])
        other._reverse_moves([{"invoice_date": date(2026, 3, 2)}]).action_post()
        self.assertFalse(unused.active)

    def pay(self, invoice, amount):
        return self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"amount": amount, "payment_date": date(2026, 3, 2)})._create_payments()

    def test_an_online_sale_gives_its_package_when_paid_in_full(self):
        package_product = self.env["product.product"].create({
            "name": "3 physio sessions", "type": "service", "list_price": 270.0, "taxes_id": [(5, 0, 0)],
            "clinic_package_sessions": 3, "clinic_package_service_ids": [(6, 0, self.physio.ids)],
        })
        sale = self.sell(package_product, self.client)
        sale.clinic_package_on_payment = True
        sale.action_post()
        packages = self.env["clinic.package"].with_context(active_test=False)
        self.assertFalse(packages.search([("partner_id", "=", self.client.id)]), "posted but not paid: no package")
        self.assertEqual(self.visit("2026-03-02 14:00").billing_state, "charged", "no session to use yet")
        self.pay(sale, 100.0)
        self.assertEqual(sale.payment_state, "partial")
        self.assertFalse(packages.search([("partner_id", "=", self.client.id)]), "partly paid: no package")
        self.pay(sale, 170.0)
        self.assertIn(sale.payment_state, ("paid", "in_payment"))
        package = packages.search([("partner_id", "=", self.client.id)])
        self.assertEqual((package.sessions_total, package.move_id), (3, sale))
        # The paid hook running again (a payment processed twice) gives no second package.
        sale._invoice_paid_hook()
        self.assertEqual(packages.search_count([("partner_id", "=", self.client.id)]), 1)
        self.assertEqual(self.visit("2026-03-03 14:00").billing_state, "package")
        self.assertEqual(package.sessions_remaining, 2)

    def test_an_online_sale_paid_without_a_journal_entry_gives_its_package(self):
        # Odoo 18's default bank journal: its payment method has no outstanding account, so a
        # payment has no journal entry and settles the invoice by its state, reconciling nothing.
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1)
        journal.inbound_payment_method_line_ids.payment_account_id = False
        package_product = self.env["product.product"].create({
            "name": "2 physio sessions", "type": "service", "list_price": 180.0, "taxes_id": [(5, 0, 0)],
            "clinic_package_sessions": 2, "clinic_package_service_ids": [(6, 0, self.physio.ids)],
        })
        sale = self.sell(package_product, self.client)
        sale.clinic_package_on_payment = True
        sale.action_post()
        payment = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=sale.ids,
        ).create({"amount": 180.0, "payment_date": date(2026, 3, 2), "journal_id": journal.id})._create_payments()
        self.assertFalse(payment.move_id, "a payment without journal entry")
        self.assertIn(sale.payment_state, ("paid", "in_payment"))
        package = self.env["clinic.package"].search([("partner_id", "=", self.client.id)])
        self.assertEqual((package.sessions_total, package.move_id), (2, sale))
        payment.action_validate()  # the bank statement confirms it: still one package
        self.assertEqual(self.env["clinic.package"].search_count([("partner_id", "=", self.client.id)]), 1)

    def test_balance_insight_and_block(self):
        self.env.company.write({"clinic_invoice_auto_post": True, "clinic_balance_limit": 150.0,
                                "clinic_balance_policy": "warn"})
        self.visit("2026-03-03 14:00")
        self.visit("2026-03-03 16:00")
        next_visit = self.book("2027-03-03 14:00")
        with freeze_time("2026-03-10 12:00:00"):
            insight = next(i for i in next_visit.with_user(self.frontdesk)._get_booking_insights()
                           if i["code"] == "balance")
        self.assertEqual(insight["level"], "warning")
        self.assertIn("over the limit", insight["message"])
        with freeze_time("2026-05-10 12:00:00"):
            insight = next(i for i in next_visit._get_booking_insights() if i["code"] == "balance")
        self.assertIn("overdue", insight["message"])
        self.env.company.clinic_balance_policy = "block"
        Appointment = self.env["clinic.appointment"].with_user(self.frontdesk)
        with freeze_time("2026-03-10 12:00:00"):
            slot = self.physio._get_available_slots(self.at("2026-03-11 14:00"), self.at("2026-03-11 14:01"),
                                                    provider_ids=self.alice.ids)[0]
            with self.assertRefused(UserError, "owes .*200.00.* more than the clinic's limit"):
                Appointment._book_slot(self.physio, slot, self.client)
            self.assertTrue(Appointment._book_slot(self.physio, slot, self.client_2), "another client books")
            # Once a visit is paid (the invoice paid or in payment), the client is under the limit.
            invoice = self.env["account.move"].search([("partner_id", "=", self.client.id)], limit=1)
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids).create({})._create_payments()
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.client.invalidate_recordset(["clinic_balance_due"])
            self.assertEqual(self.client.clinic_balance_due, 100.0)
            slot = self.physio._get_available_slots(self.at("2026-03-12 14:00"), self.at("2026-03-12 14:01"),
                                                    provider_ids=self.alice.ids)[0]
            self.assertTrue(Appointment._book_slot(self.physio, slot, self.client))

    def test_who_sees_and_does_what(self):
        visit = self.visit("2026-03-03 14:00")
        charge = visit.charge_ids
        self.assertEqual(charge.with_user(self.frontdesk).amount, 100.0)
        self.assertEqual(charge.with_user(self.accountant).amount, 100.0)
        for user in (self.frontdesk, self.accountant, self.manager):
            with self.assertRaises(AccessError):
                charge.with_user(user).write({"amount": 1.0})
            with self.assertRaises(AccessError):
                charge.with_user(user).unlink()
        # A payer's terms and sold packages are not the front desk's to change.
        with self.assertRaises(AccessError):
            self.insurer.with_user(self.frontdesk).write({"clinic_authorization_policy": "block"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.frontdesk).create({"name": "Fake payer", "clinic_is_payer": True})
        self.insurer.with_user(self.manager).write({"clinic_counts_no_show": True})
        self.assertTrue(self.env["res.partner"].with_user(self.frontdesk).create({"name": "Walk-in client"}))
        plain = self.env["res.users"].create({"name": "Plain", "login": "t_plain_bill",
                                              "groups_id": [(6, 0, self.env.ref("base.group_user").ids)]})
        with self.assertRaises(AccessError):
            charge.with_user(plain).read(["amount"])
        # The front desk completes visits (and so creates invoices) without accounting rights.
        self.assertFalse(self.frontdesk.has_group("account.group_account_invoice"))
        other = self.book("2026-03-03 16:00")
        with freeze_time("2026-03-03 17:00:00"):
            other.with_user(self.frontdesk).action_arrive()
            other.with_user(self.frontdesk).action_done()
        self.assertEqual(other.charge_ids.move_id.partner_id, self.client)
