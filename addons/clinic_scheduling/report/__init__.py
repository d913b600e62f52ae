from . import clinic_appointment_report
from . import clinic_utilization
from . import clinic_location_dashboard
