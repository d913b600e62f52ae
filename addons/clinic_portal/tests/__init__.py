from . import test_portal
from . import test_demo_clinic
from . import test_portal_data
from . import test_rate_limit
from . import test_api
from . import test_booking
from . import test_self_service
from . import test_payments
