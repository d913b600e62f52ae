from . import clinic_appointment
from . import clinic_rate_limit
from . import clinic_location_api
from . import clinic_provider_api
from . import clinic_service_api
from . import res_partner
from . import clinic_appointment_booking
from . import clinic_service_booking
