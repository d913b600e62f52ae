from . import clinic_note_template
from . import clinic_note
from . import clinic_note_addendum
from . import clinic_appointment
