from datetime import datetime, timedelta

from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRateLimit(TransactionCase):

    def test_counts_per_visitor_and_scope_within_a_window(self):
        Limit = self.env["clinic.rate.limit"]
        self.env["ir.config_parameter"].set_param("clinic_portal.rate_limit.booking", "3/60")
        now = datetime(2026, 3, 3, 10, 0, 10)
        self.assertEqual([Limit._hit("booking", "10.0.0.1", now) for _ in range(3)], [0, 0, 0])
        self.assertEqual(Limit._hit("booking", "10.0.0.1", now), 50, "the 4th waits for the minute to end")
        self.assertEqual(Limit._hit("booking", "10.0.0.2", now), 0, "another visitor")
        self.assertEqual(Limit._hit("waitlist", "10.0.0.1", now), 0, "another scope")
        self.assertEqual(Limit._hit("booking", "10.0.0.1", now + timedelta(minutes=1)), 0, "the next window")

    def test_a_wrong_setting_falls_back_to_the_default(self):
        for value in ("", "abc", "0/60", "-1/5", "10"):
            self.env["ir.config_parameter"].set_param("clinic_portal.rate_limit.availability", value)
            self.assertEqual(self.env["clinic.rate.limit"]._limit("availability"), (120, 60), value)

    def test_old_counters_are_forgotten(self):
        Limit = self.env["clinic.rate.limit"]
        Limit._hit("booking", "10.0.0.9", datetime(2020, 1, 1))
        Limit._gc_counters()
        self.assertFalse(Limit.search([("key", "=", "10.0.0.9")]))


@tagged("post_install", "-at_install")
class TestRateLimitedPages(HttpCase):

    def test_guessing_private_links_is_slowed_down(self):
        self.env["ir.config_parameter"].set_param("clinic_portal.rate_limit.appointment_link", "5/3600")
        statuses = [self.url_open(f"/my/appointments/{1000 + n}?access_token=guess{n}", allow_redirects=False)
                    for n in range(6)]
        self.assertEqual([r.status_code for r in statuses[:5]], [303] * 5, "wrong links go to /my, as before")
        blocked = statuses[5]
        self.assertEqual(blocked.status_code, 429)
        self.assertTrue(1 <= int(blocked.headers["Retry-After"]) <= 3600)
        self.assertIn("Too many requests", blocked.text)
