from . import intervals
from . import worktime
