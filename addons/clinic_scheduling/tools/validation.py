"""Checks of the arguments public methods receive from the web client or JSON-RPC.

Each returns the value in the type the code needs, or raises a ``ValidationError`` (a
``UserError``) saying what was expected, so that bad input never ends in a Python traceback
(TypeError, ValueError, OverflowError, a PostgreSQL error...).
"""
from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import ValidationError

# Dates the clinic works with: none before 1900, none more than this many years ahead.
FIRST_YEAR = 1900
YEARS_AHEAD = 10
# Buffers before and after an appointment, at most (minutes).
MAX_BUFFER_MINUTES = 240
# Text sizes.
MAX_NAME = 256
MAX_TEXT = 10_000


def latest_day():
    return date.today() + timedelta(days=366 * YEARS_AHEAD)


def check_day(env, value, label):
    """A date (or 'YYYY-MM-DD'), within the years the clinic works with."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = fields.Date.to_date(value)
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise ValidationError(env._("%(label)s must be a date like 2026-03-03.", label=label))
    if not date(FIRST_YEAR, 1, 1) <= value <= latest_day():
        raise ValidationError(env._("%(label)s must be between %(first)s and %(last)s.", label=label,
                            first=FIRST_YEAR, last=latest_day().isoformat()))
    return value


def check_datetime(env, value, label):
    """A date and time (or 'YYYY-MM-DD HH:MM:SS', UTC), within the years the clinic works with."""
    if isinstance(value, str):
        try:
            value = fields.Datetime.to_datetime(value)
        except ValueError:
            value = None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if not isinstance(value, datetime):
        raise ValidationError(env._("%(label)s must be a date and time like 2026-03-03 15:00:00.", label=label))
    check_day(env, value.date(), label)
    return value


def check_id(env, value, label, required=True):
    """A record id (an integer), or nothing when not required."""
    if value in (None, False) and not required:
        return False
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(env._("%(label)s must be a record id, not %(value)r.", label=label, value=value))
    return value


def check_number(env, value, label, minimum, maximum):
    """A number between ``minimum`` and ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not minimum <= value <= maximum:
        raise ValidationError(env._("%(label)s must be a number from %(minimum)s to %(maximum)s.", label=label,
                            minimum=minimum, maximum=maximum))
    return value


def check_text(env, value, label, size):
    """Text of at most ``size`` characters (or nothing)."""
    if value is None or value is False:
        return value
    if not isinstance(value, str):
        raise ValidationError(env._("%(label)s must be text.", label=label))
    if len(value) > size:
        raise ValidationError(env._("%(label)s is too long: at most %(size)s characters.", label=label, size=size))
    return value
