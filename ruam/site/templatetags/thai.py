"""Template filters for Thai-first dates: ``{{ meeting.date|date_long }}`` and friends.

The active language decides: Thai gives Buddhist-Era dates, English Gregorian ones.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from ruam.thai import dates

register = template.Library()


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def _lang() -> str:
    return get_language() or "th"


@register.filter
def date_long(value) -> str:
    value = _date(value)
    return dates.format_long(value, _lang()) if value else ""


@register.filter
def date_medium(value) -> str:
    value = _date(value)
    return dates.format_medium(value, _lang()) if value else ""


@register.filter
def date_short(value) -> str:
    value = _date(value)
    return dates.format_short(value, _lang()) if value else ""


@register.filter
def time_of_day(value) -> str:
    value = _date(value)
    return dates.format_time(value, _lang()) if value else ""


@register.filter
def thai_digits(value) -> str:
    return dates.thai_digits(value)
