from . import test_coverage
from . import test_multi_company
from . import test_split
from . import test_authorization
from . import test_charging
from . import test_reports
from . import test_query_counts
from . import test_tours
