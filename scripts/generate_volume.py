#!/usr/bin/env python3
"""Fill a clinic database with a believable volume of clients and appointments.

    generate_volume.py --database clinic_demo --size demo
    generate_volume.py --database clinic_bench --size bench        # 20 providers, 60,000 past visits
    generate_volume.py --database clinic_bench_smoke --size smoke  # the same in miniature (CI)
    generate_volume.py --database x --providers 12 --clients 500 --past-appointments 10000

Builds on the clinic_scheduling demo records (locations, rooms, services, providers, working hours,
time off). Appointments never overlap (the database would refuse them), go through the
appointment's own lifecycle methods, and about 7% of past visits are no-shows and 12% of all
bookings are cancelled. Deterministic for a given size (seeded).

With clinic_billing installed, completing a visit charges it: a quarter of the clients get a plan
with a payer, and the invoices of past days are posted and mostly paid (see ``Billing``).
"""
import argparse
import base64
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytz

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo18")
sys.path.insert(0, str(ODOO_PATH))

import odoo  # noqa: E402
from odoo import Command  # noqa: E402
from odoo.tools import file_open  # noqa: E402

SIZES = {
    # 2 locations, 8 providers, 6 rooms, 10 services come from the demo data.
    "demo": {"providers": 8, "clients": 200, "past_days": 21, "future_days": 21, "past_appointments": None,
             "history_providers": None, "rooms": None, "users": False, "bench_service": False},
    # The benchmark clinic (bench/bench_availability.py): 20 providers with 60,000 past visits and
    # their calendar events, 30 more providers without history (for the 50-provider measure), 5 rooms,
    # every provider with an Odoo user (so appointments are mirrored in Odoo Calendar).
    "bench": {"providers": 50, "clients": 3000, "past_days": None, "future_days": 28, "past_appointments": 60000,
              "history_providers": 20, "rooms": 5, "users": True, "bench_service": True},
    # The same clinic in miniature, for the benchmarks' smoke run in CI (make bench SIZE=smoke).
    "smoke": {"providers": 12, "clients": 60, "past_days": None, "future_days": 7, "past_appointments": 300,
              "history_providers": 4, "rooms": 5, "users": True, "bench_service": True},
}
FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Sophia", "Ethan", "Mia", "Mateo", "Chloe", "Arjun",
         "Zoe", "Kenji", "Amara", "Felix", "Nadia", "Owen", "Leila", "Samuel", "Ines", "Hugo", "Priya", "Marcus",
         "Yara", "Daniel", "Hannah", "Tariq", "Julia", "Malik", "Rosa", "Victor", "Elena", "Kofi", "Lena", "Ravi"]
LAST = ["Martin", "Roy", "Gagnon", "Smith", "Tremblay", "Lee", "Wilson", "Nguyen", "Brown", "Singh", "Côté",
        "Patel", "Campbell", "Kim", "Murphy", "Bouchard", "Ahmed", "Garcia", "Fraser", "Cohen", "Silva", "Okoye",
        "Dubois", "Hassan", "Novak", "Reid", "Lavoie", "Chen", "Morin", "Kowalski", "Ross", "Haddad"]
ALERTS = ["Latex allergy", "Uses a wheelchair: ground-floor room", "Hard of hearing: speak facing the client",
          "Prefers a female provider", "Pacemaker: no electrotherapy", "Anxious about needles"]
BENCH_SERVICE = "Assessment (benchmark)"
DISCIPLINES = ["physiotherapy", "massage", "chiropractic", "counselling", "rehab"]


def progress(label, done, total, started):
    rate = done / max(time.time() - started, 1e-6)
    print(f"\r  {label}: {done:,} / {total:,} ({100 * done / max(total, 1):.0f}%, {rate:,.0f}/s)   ",
          end="", flush=True)


class Generator:
    def __init__(self, env, size, seed=42):
        self.env = env
        self.size = size
        self.rng = random.Random(seed)
        self.now = datetime.utcnow().replace(second=0, microsecond=0)
        self.charting = Charting(env) if "clinic.form" in env else None  # clinic_charting installed
        self.all_providers = env["clinic.provider"]
        self.work = {}

    # -- fixtures ---------------------------------------------------------------------------
    def providers(self):
        Provider = self.env["clinic.provider"]
        providers = Provider.search([], order="sequence, id")
        missing = self.size["providers"] - len(providers)
        if missing > 0:
            calendars = providers.resource_calendar_id
            services = self.env["clinic.service"].search([])
            vals = []
            for index in range(missing):
                discipline = DISCIPLINES[index % len(DISCIPLINES)]
                template = providers.filtered(lambda p, d=discipline: p.discipline == d)[:1] or providers[:1]
                calendar = calendars[index % len(calendars)]
                # The provider works where its working hours say: a calendar that names locations
                # (one, or a week split between two) gives the provider exactly those; one that
                # names none keeps the template's. Never hours at a location the provider does not serve.
                locations = self.calendar_locations(calendar) or template.location_ids
                vals.append({
                    "name": f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)} ({discipline[:6]} {index + 1})",
                    "discipline": discipline,
                    "tz": template.tz,
                    "resource_calendar_id": calendar.id,
                    "service_ids": [Command.set((template.service_ids or services[:2]).ids)],
                    "location_ids": [Command.set(locations.ids)],
                    "sequence": 100 + index,
                })
            providers |= Provider.create(vals)
            print(f"  providers: created {missing} more ({len(providers)} in all)")
        providers = providers[: self.size["providers"]]
        if self.size.get("users"):
            without = providers.filtered(lambda p: not p.user_id)
            users = self.env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True).create([{
                "name": provider.name,
                "login": f"provider{provider.id}@bench.example.com",
                "groups_id": [Command.set([self.env.ref("clinic_scheduling.group_clinic_provider").id])],
            } for provider in without])
            for provider, user in zip(without, users, strict=True):
                provider.user_id = user
            print(f"  provider users: created {len(users)}")
        return providers

    def rooms(self):
        rooms = self.env["clinic.room"].search([], order="location_id, sequence, id")
        wanted = self.size.get("rooms")
        if wanted and len(rooms) > wanted:
            # Keep the rooms most services can use (treatment tables first).
            spare = rooms.sorted(lambda r: (len(r.tag_ids.filtered(lambda t: "table" in t.name.lower())), -r.id))
            spare[: len(rooms) - wanted].active = False
            rooms = rooms.filtered("active")
            print(f"  rooms: kept {len(rooms)}")
        return rooms

    def clients(self):
        Partner = self.env["res.partner"]
        existing = Partner.search([("clinic_client", "=", True)])
        missing = self.size["clients"] - len(existing)
        if missing > 0:
            vals = []
            for index in range(missing):
                first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
                vals.append({
                    "name": f"{first} {last}",
                    "email": f"{first.lower()}.{last.lower()}.{index}@example.com".replace("ô", "o"),
                    "phone": f"+1 613-555-{1000 + index % 9000:04d}",
                    "birthdate": date(1940, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 65)),
                    "clinic_client": True,
                    "clinic_alert": self.rng.choice(ALERTS) if self.rng.random() < 0.05 else False,
                })
            existing |= Partner.create(vals)
            print(f"  clients: created {missing} ({len(existing)} in all)")
        return existing

    @staticmethod
    def calendar_locations(calendar):
        return calendar.attendance_ids.filtered(lambda a: not a.display_type).clinic_location_id

    # -- time ---------------------------------------------------------------------------------
    def working_intervals(self, provider, day):
        """UTC (start, stop, location) intervals the provider works on a local calendar day.

        What ``clinic.provider._get_work_intervals`` gives, so what the availability engine
        offers: working hours at the locations the provider serves, inside opening hours, time off
        and blocked time taken out. Read for every provider and location four weeks at a time.
        """
        block = day.toordinal() // 28
        if block not in self.work:
            self.work = {block: self.read_work(block)}  # days come in runs (ahead, then back): keep one
        return self.work[block].get((provider.id, day), [])

    def read_work(self, block):
        """{(provider id, local day): sorted (start, stop, location)} for 28 days, split at local midnights."""
        from odoo.addons.clinic_scheduling.tools.intervals import local_day_bounds  # noqa: PLC0415

        first = date.fromordinal(block * 28)
        last = first + timedelta(days=27)
        work = defaultdict(list)
        for location in self.env["clinic.location"].search([]):
            tz = pytz.timezone(location.tz or "UTC")
            start, stop = local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]
            for provider_id, intervals in self.all_providers._get_work_intervals(location, start, stop).items():
                for lo, hi in intervals:
                    while lo < hi:
                        day = pytz.utc.localize(lo).astimezone(tz).date()
                        cut = min(hi, local_day_bounds(day, tz)[1])
                        work[provider_id, day].append((lo, cut, location))
                        lo = cut
        for intervals in work.values():
            intervals.sort(key=lambda i: i[0])
        return work

    def run(self):
        env = self.env
        started = time.time()
        providers = self.all_providers = self.providers()
        history_providers = providers[: self.size.get("history_providers") or len(providers)]
        if self.size.get("bench_service"):
            # One service every provider offers, at both locations, needing a room: what the
            # benchmark asks the engine about.
            service = self.env["clinic.service"].search([("name", "=", BENCH_SERVICE)], limit=1)
            if not service:
                service = self.env["clinic.service"].create({
                    "name": BENCH_SERVICE, "duration": 45, "buffer_after": 15, "slot_interval": 15,
                    "room_required": True, "horizon_days": 365, "min_notice_hours": 0,
                })
            service.provider_ids = [Command.link(p.id) for p in providers]
        clients = self.clients()
        billing = Billing(env, self.now) if "clinic.coverage" in env else None  # clinic_billing installed
        if billing:
            clients = billing.prepare_clients(clients)
        rooms_by_location = defaultdict(list)
        for room in self.rooms():
            rooms_by_location[room.location_id.id].append(room)
        # Time already held (demo records, earlier runs) is respected.
        busy = defaultdict(list)
        for appointment in env["clinic.appointment"].search([("state", "not in", ("cancelled", "no_show"))]):
            self.hold(busy, ("p", appointment.provider_id.id), appointment.busy_start, appointment.busy_stop)
            if appointment.room_id:
                self.hold(busy, ("r", appointment.room_id.id), appointment.busy_start, appointment.busy_stop)

        today = self.now.date()
        future_days = self.size["future_days"]
        days = [today + timedelta(days=d) for d in range(1, future_days + 1)]
        past_target = self.size["past_appointments"]
        past_days = self.size["past_days"] or 10_000
        past = [today - timedelta(days=d) for d in range(0, past_days + 1)]

        plans = []
        past_count = 0
        for day in days + past:
            if day <= today and past_target is not None and past_count >= past_target:
                break
            for provider in providers if day > today else history_providers:
                day_plans = self.plan_day(provider, day, clients, rooms_by_location, busy)
                plans += day_plans
                if day <= today:
                    past_count += len(day_plans)
        print(f"  planned {len(plans):,} appointments ({past_count:,} in the past)")
        self.create(plans)
        if billing:
            billing.settle_invoices()
        print(f"\n  done in {time.time() - started:.0f}s")

    def plan_day(self, provider, day, clients, rooms_by_location, busy):
        plans = []
        for start, stop, location in self.working_intervals(provider, day):
            services = provider.service_ids.filtered(
                lambda s, loc=location: s.active and (not s.location_ids or loc in s.location_ids)
            )
            if not services:
                continue
            cursor = start
            while cursor < stop:
                if self.rng.random() < 0.22:  # some free time in every day
                    cursor += timedelta(minutes=30)
                    continue
                service = self.rng.choice(services)
                b_start = cursor - timedelta(minutes=service.buffer_before)
                appt_stop = cursor + timedelta(minutes=service.duration)
                b_stop = appt_stop + timedelta(minutes=service.buffer_after)
                if appt_stop > stop or self.overlaps(busy, ("p", provider.id), b_start, b_stop):
                    cursor += timedelta(minutes=15)
                    continue
                room = False
                if service.room_required:
                    room = next((r for r in rooms_by_location[location.id]
                                 if not (service.room_tag_ids - r.tag_ids)
                                 and not self.overlaps(busy, ("r", r.id), b_start, b_stop)), False)
                    if not room:
                        cursor += timedelta(minutes=15)
                        continue
                    self.hold(busy, ("r", room.id), b_start, b_stop)
                self.hold(busy, ("p", provider.id), b_start, b_stop)
                plans.append({
                    "partner_id": self.rng.choice(clients).id,
                    "service_id": service.id,
                    "provider_id": provider.id,
                    "location_id": location.id,
                    "room_id": room.id if room else False,
                    "start": cursor,
                    # Booked between the same day and three weeks ahead (lead time in the reports).
                    "booked_at": min(cursor - timedelta(days=self.rng.randint(0, 21), hours=self.rng.randint(1, 9)),
                                     self.now),
                })
                step = service.duration + service.buffer_after + service.buffer_before
                cursor += timedelta(minutes=-(-step // 15) * 15)
        return plans

    @staticmethod
    def overlaps(busy, key, start, stop):
        """Busy time is filed by (kind, id, UTC day) so that a check only looks at nearby days."""
        day = start.date()
        return any(
            a < stop and b > start
            for d in (day - timedelta(days=1), day, stop.date())
            for a, b in busy.get((*key, d), ())
        )

    @staticmethod
    def hold(busy, key, start, stop):
        busy[(*key, start.date())].append((start, stop))

    def outcome(self, plan):
        """done / no_show / cancelled / booked / confirmed, as a clinic's books look."""
        roll = self.rng.random()
        if roll < 0.12:
            return "cancelled"
        if plan["start"] < self.now:
            return "no_show" if roll < 0.19 else "done"
        return "confirmed" if roll < 0.6 else "booked"

    def create(self, plans):
        Appointment = self.env["clinic.appointment"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True, mail_auto_subscribe_no_notify=True,
            clinic_no_messages=True,  # generated history: nobody is emailed about it
        )
        reasons = self.env["clinic.cancel.reason"].search([])
        client_reasons = reasons.filtered(lambda r: not r.by_clinic) or reasons
        batch_size = 1000
        started = time.time()
        for offset in range(0, len(plans), batch_size):
            chunk = plans[offset: offset + batch_size]
            appointments = Appointment.create(chunk)
            by_outcome = defaultdict(lambda: Appointment.browse())
            for appointment, plan in zip(appointments, chunk, strict=True):
                by_outcome[self.outcome(plan)] |= appointment
            by_outcome["confirmed"].action_confirm()
            if self.charting:
                self.charting.sign_required_forms(by_outcome["done"])
            (by_outcome["done"]).action_arrive()
            by_outcome["done"].action_done()
            by_outcome["no_show"].action_no_show()
            # Clients call ahead: between 2 hours and 3 days before the visit, some inside the window.
            by_reason_and_time = defaultdict(lambda: Appointment.browse())
            for index, appointment in enumerate(by_outcome["cancelled"]):
                when = min(appointment.start - timedelta(hours=self.rng.choice([2, 5, 20, 30, 50, 72])), self.now)
                by_reason_and_time[(client_reasons[index % len(client_reasons)], when)] |= appointment
            for (reason, when), group in by_reason_and_time.items():
                group.action_cancel(reason, when=when)
            self.env.flush_all()
            self.env.invalidate_all()
            progress("appointments", min(offset + batch_size, len(plans)), len(plans), started)


class Charting:
    """What the generator does when clinic_charting is installed: the clients of past visits whose
    service cannot check in without signed forms (an intake, a consent) signed them at the desk,
    as in the clinic: requested, answered (the required questions) and signed before arrival."""

    def __init__(self, env):
        self.env = env
        path = "clinic_charting/static/img/demo_signature.png"
        with file_open(path, "rb") as image:
            self.signature = base64.b64encode(image.read())

    @staticmethod
    def answer(question):
        if question.kind == "yes_no":
            return "no"
        if question.kind == "date":
            return "2020-01-01"
        if question.kind == "number":
            return "0"
        if question.kind == "selection":
            return question._get_options()[0]
        return "None"

    def sign_required_forms(self, appointments):
        needing = appointments.filtered(lambda appointment: appointment.service_id.forms_required_before_arrival)
        for form in needing._request_forms():
            answers = {question.id: self.answer(question)
                       for question in form.template_id.question_ids if question.required}
            form._submit(answers, signed_name=form.partner_id.name, signature=self.signature)


class Billing:
    """What the generator does when clinic_billing is installed (never for the benchmarks, whose
    databases have clinic_scheduling only). The visits themselves are charged by
    ``action_done`` / ``action_no_show`` / ``action_cancel``, as in the clinic; this gives some
    clients a payer and brings the books to what a clinic that invoices as it goes would show.
    It draws from its own random generator, seeded: the same database gives the same books."""

    # (payer's share %, co-pay, yearly deductible, yearly maximum): common shapes of cover.
    SHAPES = [(80.0, 10.0, 0.0, 0.0), (100.0, 0.0, 0.0, 750.0), (50.0, 0.0, 200.0, 0.0), (80.0, 0.0, 0.0, 1000.0)]

    def __init__(self, env, now):
        self.env = env
        self.today = now.date()
        self.rng = random.Random(4242)

    def prepare_clients(self, clients):
        """A quarter of the clients without a plan get one with a payer that needs no
        authorization. Clients with an authorization or a prepaid package are the demo data's
        stories (a plan running low, one used up, a package half used): random visits would use
        them up, so they get none."""
        env = self.env
        payers = env["res.partner"].search([
            ("clinic_is_payer", "=", True), ("clinic_requires_authorization", "=", False),
        ])
        covered = env["clinic.coverage"].with_context(active_test=False).search([("partner_id", "in", clients.ids)])
        vals = []
        for client in (clients - covered.partner_id) if payers else []:
            if self.rng.random() < 0.25:
                share, copay, deductible, maximum = self.rng.choice(self.SHAPES)
                vals.append({
                    "partner_id": client.id, "payer_id": self.rng.choice(payers).id,
                    "policy_number": f"P-{client.id:06d}", "member_id": f"{self.rng.randrange(10000, 99999)}",
                    "payer_share": share, "copay": copay, "deductible": deductible, "annual_max": maximum,
                    "date_start": date(self.today.year - self.rng.randint(0, 3), 1, 1),
                })
        env["clinic.coverage"].create(vals)
        print(f"  coverages: gave {len(vals)} clients a plan")
        stories = env["clinic.authorization"].with_context(active_test=False).search([]).partner_id
        stories |= env["clinic.package"].with_context(active_test=False).search([]).partner_id
        return clients - stories

    def settle_invoices(self):
        """Post the clinic's draft invoices of past days (payers' monthly invoices of past months,
        dated the month's last day) and pay most of them: clients pay 85% of their invoices at the
        desk the day of the visit, payers pay a month after their invoice. What is left open makes
        the balances and the aged receivables."""
        self.env["clinic.charge"]._cron_invoice_pending()  # payers' shares onto their monthly drafts
        Move = self.env["account.move"]
        month_start = self.today.replace(day=1)
        drafts = Move.search([("move_type", "=", "out_invoice"), ("state", "=", "draft"),
                              ("clinic_invoice_key", "!=", False)])
        to_post = Move
        for move in drafts:
            if move.clinic_invoice_key.startswith("month:"):
                first = date.fromisoformat(f"{move.clinic_invoice_key[6:]}-01")
                if first < month_start:
                    move.invoice_date = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
                    to_post |= move
            elif move.invoice_date and move.invoice_date < self.today:
                to_post |= move
        to_post.action_post()
        open_invoices = Move.search([("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                                     ("payment_state", "=", "not_paid")], order="id")
        by_day = defaultdict(lambda: Move)
        for move in open_invoices:
            if move.partner_id.clinic_is_payer:
                if move.invoice_date + timedelta(days=30) < self.today:
                    by_day[move.invoice_date + timedelta(days=30)] |= move
            elif self.rng.random() < 0.85:
                by_day[move.invoice_date] |= move
        for day, moves in sorted(by_day.items()):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=moves.ids,
            ).create({"payment_date": day, "group_payment": False})._create_payments()
        paid = sum(len(moves) for moves in by_day.values())
        print(f"\n  invoices: posted {len(to_post):,}, paid {paid:,} of {len(open_invoices):,} open")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), default="demo")
    parser.add_argument("--providers", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--past-appointments", type=int, help="stop going back in time at this many")
    parser.add_argument("--past-days", type=int)
    parser.add_argument("--future-days", type=int)
    args = parser.parse_args()
    size = dict(SIZES[args.size])
    for key in ("providers", "clients", "past_appointments", "past_days", "future_days"):
        if getattr(args, key) is not None:
            size[key] = getattr(args, key)

    odoo.tools.config.parse_config([
        "-c", str(ROOT / "odoo.conf"), "-d", args.database,
        f"--addons-path={ODOO_PATH / 'odoo' / 'addons'},{ROOT / 'addons'}", "--log-level=warn",
    ])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        if "clinic.appointment" not in env:
            sys.exit(f"{args.database} has no clinic_scheduling installed.")
        print(f"  size: {size}")
        Generator(env, size).run()


if __name__ == "__main__":
    main()
