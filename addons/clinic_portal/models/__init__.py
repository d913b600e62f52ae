from . import clinic_appointment
from . import clinic_rate_limit
