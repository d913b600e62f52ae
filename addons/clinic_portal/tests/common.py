"""Shared test bases of clinic_portal (not a test module: Odoo's loader collects only test_*.py)."""
from odoo.tests import HttpCase

# The phone of the portal's tours: a small touch screen (iPhone SE). Headless Chrome keeps a window
# at least 500 px wide, so the page is also given the phone's own viewport through Chrome's device
# emulation (375 px, as a phone's browser lays it out).
PHONE_SIZE = "375x667"
PHONE_WIDTH, PHONE_HEIGHT = 375, 667


class PhoneViewportMixin:
    """Tours of a test whose ``touch_enabled`` is set run on a phone's viewport (PHONE_WIDTH)."""

    def authenticate(self, user, password, browser=None):
        # Odoo logs the tour's browser in before it opens the first page: the moment to give it a
        # phone's viewport (kept for every page of the tour).
        session = super().authenticate(user, password, browser=browser)
        if browser and self.touch_enabled:
            browser._websocket_request("Emulation.setDeviceMetricsOverride", params={
                "width": PHONE_WIDTH, "height": PHONE_HEIGHT, "deviceScaleFactor": 2, "mobile": True,
            })
            # A page with Odoo's "width=device-width" viewport is then laid out on the screen's width.
            width = browser._websocket_request("Runtime.evaluate", params={
                "expression": "screen.width", "returnByValue": True,
            })["result"]["value"]
            self.assertEqual(width, PHONE_WIDTH, "the tour's pages are shown on a phone's screen")
        return session


class PortalTourCase(PhoneViewportMixin, HttpCase):
    """A portal tour run twice, on a desktop screen and on a phone-sized touch screen, then checked
    in the database. A subclass builds its data in ``setUpClass``, names ``tour_name`` and
    ``tour_login``, gives the page the tour starts on (``tour_url``) and checks what the tour did
    (``check_tour``, with the state before the tour that ``before_tour`` returns)."""

    # Odoo's loader runs only the test methods a class defines itself, unless told otherwise: each
    # subclass runs the two tests below.
    allow_inherited_tests_method = True
    tour_name = None
    tour_login = None

    def tour_url(self):
        return "/my"

    def before_tour(self):
        return None

    def check_tour(self, before):
        pass

    def run_tour(self):
        self.assertTrue(self.tour_name, "a portal tour case names its tour")
        before = self.before_tour()
        self.start_tour(self.tour_url(), self.tour_name, login=self.tour_login)
        self.check_tour(before)

    def test_tour_desktop(self):
        self.run_tour()

    def test_tour_phone(self):
        # Read by the browser Odoo starts for this test only (an attribute of this test's instance).
        self.browser_size, self.touch_enabled = PHONE_SIZE, True
        self.run_tour()
