from . import clinic_appointment_cancel
from . import clinic_booking_wizard
from . import clinic_booking_wizard_slot
from . import clinic_series_wizard
from . import clinic_series_wizard_line
