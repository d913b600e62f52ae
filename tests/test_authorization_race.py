"""Two visits completed at the same moment on the last visit a payer approved.

Each completion runs in its own thread, cursor and transaction, both snapshots taken before either
writes, released together by a barrier, each through Odoo's RPC wrapper (``retrying``). The
authorization's counter is a conditional UPDATE: the second completion waits for the first, fails to
serialize, is retried, and then finds no visit left. Exactly one visit uses the authorization (and
is billed to the payer); the other is completed too, billed to the client, and says why.
"""
from datetime import date, timedelta

import pytest
from concurrency import in_parallel

import odoo
from odoo import Command, api


def complete_at_once(registry, user_id, visit_ids):
    """Complete the visits at the same moment, each in its own transaction: none may fail."""
    results = in_parallel(registry, user_id, [
        lambda env, visit_id=visit_id: env["clinic.appointment"].browse(visit_id).action_done()
        for visit_id in visit_ids
    ])
    assert [status for status, _value in results] == ["ok"] * len(visit_ids), results


def remove_charges(env, visit_ids):
    """What completing the visits wrote in billing (their draft invoices, charges and usage lines)."""
    env["clinic.charge"].search([("appointment_id", "in", visit_ids)]).move_id.filtered(
        lambda m: m.state == "draft").unlink()
    env.cr.execute("DELETE FROM clinic_charge WHERE appointment_id = ANY(%s)", [visit_ids])
    env.cr.execute("DELETE FROM clinic_usage WHERE appointment_id = ANY(%s)", [visit_ids])


@pytest.fixture
def last_visit(registry, clinic):
    """Two arrived visits of one client, in a case whose authorization has one visit left."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        client = env["res.partner"].browse(clinic["clients"][0])
        payer = env["res.partner"].create({
            "name": "Race Motor Insurance", "is_company": True, "clinic_is_payer": True,
            "clinic_requires_authorization": True,
        })
        product = env["product.product"].create({"name": "Race visit", "type": "service", "list_price": 90.0,
                                                 "taxes_id": [Command.clear()]})
        env["clinic.service"].browse(clinic["service"]).product_id = product
        grouping = env.company.clinic_payer_invoice_grouping
        env.company.clinic_payer_invoice_grouping = "visit"  # the payer's invoice at once (the demo's: by month)
        env["clinic.coverage"].create({
            "partner_id": client.id, "payer_id": payer.id, "policy_number": "RACE-1", "date_start": date(2020, 1, 1),
        })
        case = env["clinic.case"].create({"title": "Race case", "partner_id": client.id})
        plan = env["clinic.authorization"].create({
            "name": "RACE-AUTH", "case_id": case.id, "payer_id": payer.id, "visits_approved": 1,
            "date_start": date(2020, 1, 1), "date_end": date(2035, 12, 31),
        })
        start = clinic["start"]
        visits = env["clinic.appointment"].create([{
            "partner_id": client.id, "service_id": clinic["service"], "provider_id": provider,
            "location_id": clinic["location"], "case_id": case.id, "start": start,
        } for provider in clinic["providers"]])
        visits.action_arrive()
        data = {"visits": visits.ids, "plan": plan.id, "payer": payer.id, "client": client.id}
    yield data
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.clinic_payer_invoice_grouping = grouping
        remove_charges(env, data["visits"])
        cr.execute("UPDATE clinic_appointment SET authorization_id = NULL WHERE id = ANY(%s)", [data["visits"]])
        env["clinic.authorization"].browse(data["plan"]).unlink()
        env["clinic.coverage"].search([("payer_id", "=", data["payer"])]).unlink()
        env["clinic.case"].search([("title", "=", "Race case"), ("partner_id", "=", data["client"])]).unlink()


def test_two_completions_of_the_last_approved_visit_use_it_once(registry, clinic, last_visit):
    complete_at_once(registry, clinic["frontdesk"], last_visit["visits"])
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        plan = env["clinic.authorization"].browse(last_visit["plan"])
        visits = env["clinic.appointment"].browse(last_visit["visits"])
        assert visits.mapped("state") == ["done", "done"]
        assert plan.visits_used == 1, "the last approved visit is used once"
        assert len(plan.usage_ids) == 1
        covered = plan.usage_ids.appointment_id
        other = visits - covered
        assert covered.charge_ids.filtered("is_payer_share").debtor_id.id == last_visit["payer"]
        assert covered.charge_ids.filtered("is_payer_share").amount == 90.0
        assert other.charge_ids.debtor_id.id == last_visit["client"], "the other visit is billed to the client"
        assert other.charge_ids.amount == 90.0
        assert any("pays only under an authorization" in body for body in other.message_ids.mapped("body"))
        assert plan.state == "exhausted"
        assert (plan.visits_scheduled, plan.visits_remaining) == (0, 0)
        # Both invoices exist in Odoo's accounting, for the right partners and amounts.
        lines = (covered | other).charge_ids.move_line_id
        assert sorted(lines.mapped("price_subtotal")) == [90.0, 90.0]
        assert sorted(lines.move_id.partner_id.ids) == sorted([last_visit["payer"], last_visit["client"]])


@pytest.fixture
def last_session(registry, clinic):
    """Two arrived visits of a client whose prepaid package has one session left."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        client = env["res.partner"].browse(clinic["clients"][1])
        visit_product = env["product.product"].create({"name": "Race visit", "type": "service", "list_price": 70.0,
                                                       "taxes_id": [Command.clear()]})
        env["clinic.service"].browse(clinic["service"]).product_id = visit_product
        package_product = env["product.product"].create({
            "name": "Race package (1 session)", "type": "service", "list_price": 60.0,
            "taxes_id": [Command.clear()], "clinic_package_sessions": 1,
        })
        sale = env["account.move"].create({
            # Sold the day before the visits (which fall on a day of 2031-2032), valid a year.
            "move_type": "out_invoice", "partner_id": client.id,
            "invoice_date": clinic["start"].date() - timedelta(days=1),
            "invoice_line_ids": [Command.create({"product_id": package_product.id, "quantity": 1.0})],
        })
        sale.action_post()
        package = env["clinic.package"].search([("move_line_id.move_id", "=", sale.id)])
        assert package.sessions_total == 1
        visits = env["clinic.appointment"].create([{
            "partner_id": client.id, "service_id": clinic["service"], "provider_id": provider,
            "location_id": clinic["location"], "start": clinic["start"],
        } for provider in clinic["providers"]])
        visits.action_arrive()
        data = {"visits": visits.ids, "package": package.id, "client": client.id, "sale": sale.id}
    yield data
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        remove_charges(env, data["visits"])
        cr.execute("DELETE FROM clinic_package WHERE id = %s", [data["package"]])
        sale = env["account.move"].browse(data["sale"])
        sale.button_draft()
        sale.unlink()


def test_two_completions_of_the_last_prepaid_session_use_it_once(registry, clinic, last_session):
    complete_at_once(registry, clinic["frontdesk"], last_session["visits"])
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        package = env["clinic.package"].browse(last_session["package"])
        visits = env["clinic.appointment"].browse(last_session["visits"])
        assert (package.sessions_used, package.sessions_remaining) == (1, 0)
        assert len(package.usage_ids) == 1
        assert sorted(visits.mapped("billing_state")) == ["charged", "package"]
        charged = visits.filtered(lambda v: v.billing_state == "charged")
        assert charged.charge_ids.debtor_id.id == last_session["client"]
        assert charged.charge_ids.move_line_id.price_subtotal == 70.0
