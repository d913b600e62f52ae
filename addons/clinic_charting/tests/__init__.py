from . import test_note
from . import test_note_access
