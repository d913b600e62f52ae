from . import test_appointment
from . import test_lifecycle
from . import test_security
from . import test_availability
from . import test_calendar
from . import test_insights
from . import test_booking_wizard
from . import test_tours
