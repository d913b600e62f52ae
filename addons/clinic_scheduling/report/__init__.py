from . import clinic_appointment_report
