from . import clinic_appointment
