"""The figures a comparison shows, each with its name, kind and which way is better: one list
for the comparison pages, their exports, the briefing pack and the open-data figures file."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ruam.insights.selectors import Figures


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # lazy: English source, Thai translation
    kind: str  # "int", "share" (0–1), "days", "stars"
    get: Callable[[Figures], float | int | None]
    higher_is_better: bool | None = True
    list_status: str = ""  # the report list behind it: a status filter ("" none, "all")


METRICS = [
    Metric("received", _("Reports received"), "int", lambda f: f.received, None, "all"),
    Metric("open", _("Still open"), "int", lambda f: f.open, False, "open"),
    Metric("fixed", _("Fixed"), "int", lambda f: f.fixed, True, "fixed"),
    Metric("confirmed", _("Fix confirmed by residents"), "int", lambda f: f.confirmed, True,
           "confirmed"),
    Metric("fixed_share", _("Share fixed"), "share", lambda f: f.fixed_share, True),
    Metric("median_days", _("Median days to fix"), "days", lambda f: f.median_days, False),
    Metric("p90_days", _("Days to fix, 90th percentile"), "days", lambda f: f.p90_days, False),
    Metric("on_time", _("Fixed within the deadline"), "share", lambda f: f.on_time_share, True),
    Metric("reopen_rate", _("Reopen rate"), "share", lambda f: f.reopen_rate, False),
    Metric("rating", _("Satisfaction (stars)"), "stars", lambda f: f.rating, True),
    Metric("backlog", _("Open now"), "int", lambda f: f.backlog_total, False, "open"),
    Metric("backlog_old", _("Open for over 30 days"), "int",
           lambda f: sum(v for k, v in f.backlog.items() if k not in ("0-7", "8-30")), False),
    Metric("issues", _("Committee issues"), "int", lambda f: f.issues, None),
    Metric("actions_due", _("Actions due"), "int", lambda f: f.actions_due, None),
    Metric("actions_on_time", _("Actions done on time"), "int",
           lambda f: f.actions_done_on_time, True),
    Metric("actions_overdue", _("Actions overdue"), "int", lambda f: f.actions_overdue, False),
    Metric("meetings", _("Meetings held"), "int", lambda f: f.meetings_held, True),
    Metric("attendance", _("Attendance"), "share", lambda f: f.attendance_rate, True),
    Metric("programmes", _("Programme progress"), "share", lambda f: f.programme_progress, True),
]  # fmt: skip
BY_KEY = {m.key: m for m in METRICS}


def median(values: list[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def display(value, kind: str) -> str:
    """A value as a page shows it (the exports keep the number itself)."""
    if value is None:
        return "—"
    if kind == "share":
        return f"{value * 100:.0f}%"
    if kind == "days":
        return f"{value:.1f}"
    if kind == "stars":
        return f"{value:.1f}"
    if kind == "float" or isinstance(value, float):
        number = float(value)
        return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0")
    return f"{value:,}"


# A sequential scale, light to dark, whose greys stay in order when printed in black and white.
SHADES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
INKS = ("#000000", "#000000", "#000000", "#ffffff", "#ffffff")


def shade_classes(values: list[float | int | None]) -> list[int | None]:
    """Each value's class 0–4 by rank among the known values (quantiles), None if unknown."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return [None] * len(values)
    out = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        below = sum(1 for v in known if v < value)
        out.append(min(4, below * 5 // len(known)) if len(known) > 1 else 2)
    return out
