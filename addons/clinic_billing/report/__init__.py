from . import clinic_revenue_report
from . import clinic_authorization_burndown
from . import clinic_payer_receivable
