from . import test_coverage
from . import test_multi_company
