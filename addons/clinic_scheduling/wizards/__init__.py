from . import clinic_appointment_cancel
from . import clinic_booking_wizard
