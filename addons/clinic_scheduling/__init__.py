from . import models
from . import wizards
from . import report


def _post_init_hook(env):
    """Users who are clinic staff when the addon is installed open Odoo on the day view too."""
    staff = env.ref("clinic_scheduling.group_clinic_frontdesk").users | env.ref(
        "clinic_scheduling.group_clinic_provider"
    ).users
    staff._clinic_set_home_action()
