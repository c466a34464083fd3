"""Small shapes the pages, the template tags and the exports share."""

from __future__ import annotations

from ruam.insights.metrics import BY_KEY, display
from ruam.insights.periods import KEYS, LABELS


def periods(current: str) -> list[dict]:
    return [{"key": k, "label": LABELS[k], "current": k == current} for k in KEYS]


def issue_stages(figures) -> list[tuple[str, str, int]]:
    """(status, label, issues) in the pipeline's order."""
    from ruam.issues.statuses import IssueStatus

    return [
        (status, label, figures.issues_by_status[status])
        for status, label in IssueStatus.choices
        if status in figures.issues_by_status
    ]


def categories_named(rows) -> list[tuple]:
    """(category or None, id, reports, open) from ``selectors.by_category``."""
    from ruam.framework.models import Category

    names = Category.objects.in_bulk([pk for pk, _, _ in rows if pk])
    return [(names.get(pk), pk, n, open_) for pk, n, open_ in rows]


def shades(comparison) -> dict:
    """Each place's shade for the chosen figure (the one sorted by), for the map."""
    key = comparison.sort if comparison.sort in BY_KEY else "fixed_share"
    metric = BY_KEY[key]
    return {
        "figure": str(metric.label),
        "places": {
            row.code: {
                "shade": row.classes[key],
                "label": f"{row.place.name}: {display(row.values[key], metric.kind)}",
            }
            for row in comparison.rows
        },
    }
