from . import clinic_appointment_cancel
