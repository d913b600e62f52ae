from . import clinic_coverage
from . import clinic_service
from . import res_partner
