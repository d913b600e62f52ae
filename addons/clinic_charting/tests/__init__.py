from . import test_note
