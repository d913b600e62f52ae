"""A client's "Repeat weekly" (POST /my/appointments/<id>/repeat, addons/clinic_portal/readme/SERIES.md)
races with other bookings of one of the series' dates, in real parallel transactions.

The clinic: one location of the website's company, a 45-minute service bookable online with a
limit of ``MAX_UPCOMING`` upcoming visits per client, one provider working 8:00-18:00 every day. A
client holds one upcoming appointment (the origin) and previews three more weekly visits, all free.

- Against another client on the website (/book confirm of the series' second date), both POSTs
  released together against Odoo serving with several worker processes: exactly one of them holds
  the contested time; when the website visitor won, the series keeps its two other dates and the
  result page lists the lost one as not booked; when the series won, the visitor gets the friendly
  "just taken" page. Never an HTTP 500, never a traceback in the server's log.
- Against the front desk (``_book_slot``), each in its own thread, cursor and transaction
  (tests/concurrency.py): the same outcome, read from the methods' results.
- The client's double click: the same confirmation POSTed twice at once books each date once, in
  one series, the other answer a clean refusal; the client holds no more than ``MAX_UPCOMING``.

Every check is an SQL count on the committed database: no two active appointments of the provider
whose buffered times overlap, one active appointment at the contested time.
"""
import re
import uuid
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlparse

import pytest
import pytz
import requests
from concurrency import at_once, in_parallel
from odoo_server import odoo_server
from suite_clinic import env_of, remove_clinic

from odoo import Command

VISITS = 3  # further visits of the series, one a week
MAX_UPCOMING = 1 + VISITS  # the origin and the series: a date booked twice would exceed it
ROUNDS = 3
TZ = "America/Toronto"
RATE_PARAMS = ("clinic_portal.rate_limit.booking", "clinic_portal.rate_limit.availability",
               "clinic_portal.rate_limit.appointment_link")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEEP = re.compile(r'name="keep"[^>]*value="([^"]+)"')
TAKEN = "this time was just taken"
NOT_BOOKED = "Not booked: these times are no longer free"
ACTIVE_STATES = ("booked", "confirmed", "arrived", "in_session", "done")


@pytest.fixture(scope="module")
def weekly(registry):
    """The committed clinic described above, the rate limits raised; all removed afterwards (the
    appointments and series by SQL: appointments are never deleted through the ORM)."""
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = env_of(cr)
        params = env["ir.config_parameter"]
        assert not params.get_param("recaptcha_private_key"), "a reCAPTCHA key is set: the visitors cannot pass it"
        saved = {name: params.get_param(name) for name in RATE_PARAMS}
        for name in RATE_PARAMS:
            params.set_param(name, "1000000/60")
        company = env.ref("website.default_website").company_id
        location = env["clinic.location"].create({"name": f"Weekly {tag}", "tz": TZ, "company_id": company.id})
        service = env["clinic.service"].create({
            "name": f"Weekly service {tag}", "duration": 45, "buffer_after": 15, "slot_interval": 15,
            "min_notice_hours": 0, "horizon_days": 365, "online_bookable": True, "new_clients_allowed": True,
            "max_upcoming_per_client": MAX_UPCOMING, "company_id": company.id,
            "location_ids": [Command.set(location.ids)],
        })
        calendar = env["resource.calendar"].create({
            "name": f"Weekly hours {tag}", "tz": TZ, "company_id": company.id,
            "attendance_ids": [Command.create({"name": str(d), "dayofweek": str(d), "hour_from": 8, "hour_to": 18,
                                               "clinic_location_id": location.id}) for d in range(7)],
        })
        provider = env["clinic.provider"].create({
            "name": f"Weekly provider {tag}", "resource_calendar_id": calendar.id, "tz": TZ,
            "company_id": company.id, "online_bookable": True, "service_ids": [Command.set(service.ids)],
            "location_ids": [Command.set(location.ids)],
        })
        data = {"tag": tag, "location": location.id, "service": service.id, "provider": provider.id,
                "calendar": calendar.id, "day": datetime.utcnow().date() + timedelta(days=2),
                "address": f"10.{int(tag[:2], 16)}", "frontdesk": env.ref("clinic_scheduling.user_frontdesk_demo").id,
                "origins": 0}
    yield data
    with registry.cursor() as cr:
        remove_clinic(cr, data, saved, f"Weekly % {data['tag']} %")


@pytest.fixture(scope="module")
def server(weekly):
    # Proxy mode: each test's visitors have addresses of their own (the rate limits' keys).
    with odoo_server(5, "test-series-race.log", proxy_mode=True) as (url, log):
        yield {"url": url, "log": log}


def new_origin(registry, weekly):
    """A new client with one upcoming appointment (private link), at an hour of its own on
    ``weekly["day"]``; its series' dates are the same hour on the next weeks."""
    number = weekly["origins"] = weekly["origins"] + 1
    day = weekly["day"] + timedelta(days=number // 9)
    local = pytz.timezone(TZ).localize(datetime(day.year, day.month, day.day, 8 + number % 9))
    with registry.cursor() as cr:
        env = env_of(cr)
        client = env["res.partner"].create({"name": f"Weekly client {weekly['tag']} {number}",
                                            "email": f"weekly.{number}@example.com"})
        origin = env["clinic.appointment"].create({
            "partner_id": client.id, "service_id": weekly["service"], "provider_id": weekly["provider"],
            "location_id": weekly["location"], "start": local.astimezone(pytz.utc).replace(tzinfo=None),
            "access_token": str(uuid.uuid4()),
        })
        return {"id": origin.id, "token": origin.access_token, "client": client.id, "number": number,
                "first_date": local.date()}


def keys_start(key):
    return datetime.strptime(key.split("|")[0], "%Y-%m-%d %H:%M:%S")


def active_at(cr, weekly, start):
    """The clients of the active appointments of the provider that start at ``start``."""
    cr.execute("SELECT partner_id FROM clinic_appointment WHERE provider_id = %s AND start = %s AND state IN %s",
               [weekly["provider"], start, ACTIVE_STATES])
    return [row[0] for row in cr.fetchall()]


def series_starts(cr, origin):
    """The active appointments of the origin's series, by start (None: no series)."""
    cr.execute("SELECT series_id FROM clinic_appointment WHERE id = %s", [origin["id"]])
    series_id = cr.fetchone()[0]
    if not series_id:
        return None
    cr.execute("SELECT start FROM clinic_appointment WHERE series_id = %s AND state IN %s ORDER BY start",
               [series_id, ACTIVE_STATES])
    return [row[0] for row in cr.fetchall()]


def assert_no_overlap(cr, weekly):
    cr.execute(
        """SELECT count(*) FROM clinic_appointment a JOIN clinic_appointment b ON a.id < b.id
            WHERE a.provider_id = b.provider_id
              AND tsrange(a.busy_start, a.busy_stop) && tsrange(b.busy_start, b.busy_stop)
              AND a.state IN %s AND b.state IN %s AND a.provider_id = %s""",
        [ACTIVE_STATES, ACTIVE_STATES, weekly["provider"]],
    )
    assert cr.fetchone()[0] == 0, "no two active appointments of the provider overlap"


class Browser:
    """A visitor's session, behind the (simulated) proxy at an address of its own."""

    def __init__(self, url, weekly, number):
        self.url = url
        self.session = requests.Session()
        self.headers = {"X-Forwarded-For": f"{weekly['address']}.{number // 200}.{number % 200 + 1}",
                        "X-Forwarded-Host": urlparse(url).netloc, "X-Forwarded-Proto": "http"}

    def get(self, path, **params):
        page = self.session.get(self.url + path, params=params, headers=self.headers, timeout=120)
        assert page.status_code == 200, (path, page.status_code, page.text[:500])
        return page.text

    def post(self, path, data):
        return self.session.post(self.url + path, data=data, headers=self.headers, allow_redirects=False,
                                 timeout=300)


def preview(browser, origin):
    """The repeat page of the origin (private link), all ``VISITS`` dates free: (keys, csrf)."""
    page = browser.get(f"/my/appointments/{origin['id']}/repeat", access_token=origin["token"], interval=1,
                       count=VISITS)
    keys = KEEP.findall(page)
    assert len(keys) == VISITS, f"every date of the series is free before the race: {keys}"
    return keys, CSRF.search(page)[1]


def confirm_series(browser, origin, keys, csrf):
    """The confirmation of the series with every date kept, to be sent."""
    return partial(browser.post, f"/my/appointments/{origin['id']}/repeat", {
        "csrf_token": csrf, "access_token": origin["token"], "interval": 1, "count": VISITS, "keep": keys,
    })


def test_series_and_website_visitor_race_for_one_date(registry, weekly, server):
    outcomes = []
    for _round in range(ROUNDS):
        origin = new_origin(registry, weekly)
        client = Browser(server["url"], weekly, 2 * origin["number"])
        keys, csrf = preview(client, origin)
        contested = keys_start(keys[1])
        # Another client, on the website, ready to confirm the series' second date.
        visitor = Browser(server["url"], weekly, 2 * origin["number"] + 1)
        choice = {"location": weekly["location"], "service": weekly["service"], "provider": weekly["provider"]}
        slot = f"{contested:%Y-%m-%dT%H:%M}_{weekly['provider']}"
        details = visitor.get("/book", **choice, slot=slot)
        assert "no longer free" not in details
        book = partial(visitor.post, "/book/confirm", {
            **choice, "slot": slot, "csrf_token": CSRF.search(details)[1],
            "name": f"Weekly visitor {weekly['tag']} {origin['number']}",
            "email": f"weekly.visitor.{origin['number']}@example.com", "phone": "+1 416 555 0123",
            "birthdate": "1990-02-03",
        })

        (series_status, series_answer), (visitor_status, visitor_answer) = at_once(
            [confirm_series(client, origin, keys, csrf), book])
        assert series_status == visitor_status == "ok", (series_answer, visitor_answer)
        assert series_answer.status_code == 200, (series_answer.status_code, series_answer.text[:1000])
        assert visitor_answer.status_code in (200, 303), (visitor_answer.status_code, visitor_answer.text[:1000])
        visitor_won = visitor_answer.status_code == 303
        with registry.cursor() as cr:
            assert_no_overlap(cr, weekly)
            holders = active_at(cr, weekly, contested)
            assert len(holders) == 1, "exactly one booking holds the contested time"
            starts = series_starts(cr, origin)
            if visitor_won:
                assert holders != [origin["client"]]
                assert NOT_BOOKED in series_answer.text, "the series reports the date it lost"
                assert starts and len(starts) == VISITS, "the series keeps its origin and its other dates"
                assert contested not in starts
            else:
                assert holders == [origin["client"]]
                assert TAKEN in visitor_answer.text.lower(), visitor_answer.text[:1000]
                assert NOT_BOOKED not in series_answer.text
                assert starts and len(starts) == 1 + VISITS
            assert {keys_start(key) for key in keys} - {contested} <= set(starts)
        outcomes.append("website visitor" if visitor_won else "series")
    print(f"\nseries against a website visitor, {ROUNDS} rounds: the contested date went to {outcomes}")
    log = server["log"].read_text(errors="replace")
    assert "Traceback" not in log and "deadlock" not in log.lower(), log[-3000:]


def test_double_click_books_each_date_once(registry, weekly, server):
    origin = new_origin(registry, weekly)
    client = Browser(server["url"], weekly, 2 * origin["number"])
    keys, csrf = preview(client, origin)
    # The same form sent twice at once, from the same browser session (cookie and CSRF token).
    twin = Browser(server["url"], weekly, 2 * origin["number"])
    twin.session.cookies.update(client.session.cookies)
    answers = at_once([confirm_series(client, origin, keys, csrf), confirm_series(twin, origin, keys, csrf)])
    assert [status for status, _answer in answers] == ["ok", "ok"], answers
    answers = sorted((answer for _status, answer in answers), key=lambda answer: answer.status_code)
    assert [answer.status_code for answer in answers] == [200, 400], [a.text[:500] for a in answers]
    assert f"{VISITS} more visit(s) booked" in answers[0].text
    assert "already part of a series" in answers[1].text, answers[1].text[:1000]
    with registry.cursor() as cr:
        assert_no_overlap(cr, weekly)
        cr.execute("SELECT count(*) FROM clinic_appointment_series WHERE partner_id = %s", [origin["client"]])
        assert cr.fetchone()[0] == 1, "one series"
        cr.execute("""SELECT start FROM clinic_appointment WHERE partner_id = %s AND service_id = %s
                       AND state IN %s AND stop > now() AT TIME ZONE 'UTC'""",
                   [origin["client"], weekly["service"], ACTIVE_STATES])
        upcoming = sorted(row[0] for row in cr.fetchall())
        assert len(upcoming) == len(set(upcoming)) == 1 + VISITS <= MAX_UPCOMING
        assert series_starts(cr, origin) == upcoming
    log = server["log"].read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_series_and_front_desk_race_for_one_date(registry, weekly):
    outcomes = []
    for _round in range(ROUNDS):
        origin = new_origin(registry, weekly)
        with registry.cursor() as cr:
            env = env_of(cr)
            other = env["res.partner"].create({"name": f"Weekly caller {weekly['tag']} {origin['number']}"})
            lines = env["clinic.appointment"].browse(origin["id"])._portal_repeat_preview(1, VISITS)
            keys = [line["key"] for line in lines if line["key"]]
            assert len(keys) == VISITS, lines
            contested = lines[1]
            slot = {key: contested[key] for key in ("start", "stop", "provider_id", "location_id", "room_id")}

        def repeat(env, origin_id=origin["id"], keys=keys):
            # As the portal's controller calls it: in sudo, after its access check on the origin.
            public = env.ref("base.public_user")
            return env["clinic.appointment"].with_user(public).sudo().browse(origin_id)._portal_repeat_book(
                1, VISITS, keys)

        def front_desk(env, slot=slot, other_id=other.id):
            appointment = env["clinic.appointment"]._book_slot(
                env["clinic.service"].browse(weekly["service"]), slot, env["res.partner"].browse(other_id))
            return appointment.id

        (series_status, series_result), (desk_status, desk_result) = in_parallel(
            registry, weekly["frontdesk"], [repeat, front_desk])
        assert series_status == "ok", repr(series_result)
        desk_won = desk_status == "ok"
        if not desk_won:
            assert type(desk_result).__name__ == "SlotTaken", repr(desk_result)
        with registry.cursor() as cr:
            assert_no_overlap(cr, weekly)
            holders = active_at(cr, weekly, contested["start"])
            assert holders == [other.id if desk_won else origin["client"]], "exactly one holds the contested time"
            starts = series_starts(cr, origin)
            lost = [line["start"] for line in series_result["lost"]]
            if desk_won:
                assert lost == [contested["start"]], "the series reports the date it lost"
                assert len(starts) == VISITS and contested["start"] not in starts
            else:
                assert lost == [] and len(starts) == 1 + VISITS
        outcomes.append("front desk" if desk_won else "series")
    print(f"\nseries against the front desk, {ROUNDS} rounds: the contested date went to {outcomes}")
