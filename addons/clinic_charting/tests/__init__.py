from . import test_note
from . import test_note_access
from . import test_multi_company
from . import test_forms
from . import test_chart_log
from . import test_immutability
from . import test_case_chart
