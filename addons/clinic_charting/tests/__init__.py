from . import test_note
from . import test_note_access
from . import test_multi_company
