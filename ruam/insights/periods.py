"""The periods figures are given for: the last 30 days, the fiscal quarter, the fiscal year
(Thailand's starts on 1 October), everything. Each starts on a day the tallies keep whole
(``insights.cube``): within the last 35 days, or on the first of a month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ruam.insights.cube import today

KEYS = ("30d", "quarter", "fy", "all")
DEFAULT = "fy"
LABELS = {
    "30d": _("last 30 days"),
    "quarter": _("this fiscal quarter"),
    "fy": _("this fiscal year"),
    "all": _("all time"),
}


@dataclass(frozen=True)
class Period:
    key: str
    first: dt.date | None  # None: from the beginning
    last: dt.date  # today, included

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def days(self) -> int | None:
        return None if self.first is None else (self.last - self.first).days + 1

    def contains(self, day: dt.date) -> bool:
        return (self.first is None or day >= self.first) and day <= self.last


def fiscal_year_start(on: dt.date) -> dt.date:
    return dt.date(on.year if on.month >= 10 else on.year - 1, 10, 1)


def fiscal_year_be(on: dt.date) -> int:
    """The fiscal year's number in the Buddhist Era: 1 Oct 2025 – 30 Sep 2026 is 2569."""
    return fiscal_year_start(on).year + 1 + 543


def fiscal_quarter_start(on: dt.date) -> dt.date:
    months_in = (on.month - 10) % 12  # October is month 0 of the fiscal year
    start = fiscal_year_start(on)
    month = (start.month - 1 + (months_in // 3) * 3) % 12 + 1
    return dt.date(start.year if month >= 10 else start.year + 1, month, 1)


def period(key: str | None, on: dt.date | None = None) -> Period:
    """The period named ``key`` (an unknown or missing key gives the default)."""
    on = on or today()
    key = key if key in KEYS else DEFAULT
    first = {
        "30d": on - dt.timedelta(days=29),
        "quarter": fiscal_quarter_start(on),
        "fy": fiscal_year_start(on),
        "all": None,
    }[key]
    return Period(key, first, on)
