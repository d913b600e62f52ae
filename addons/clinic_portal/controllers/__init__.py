from . import api
from . import portal
from . import booking
from . import series
from . import packages
