"""The tables pages show and export: one definition for both (``core.exports``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ruam.core.exports import Column, Table
from ruam.insights.compare import Comparison
from ruam.insights.metrics import METRICS
from ruam.insights.selectors import BACKLOG_KEYS, Figures

KIND = {"int": "int", "share": "share", "days": "float", "stars": "float"}


def metric_columns() -> list[Column]:
    return [Column(m.key, m.label, KIND[m.kind]) for m in METRICS]


def comparison_table(comparison: Comparison, *, groups: bool = False) -> Table:
    place = _("District group") if groups else _("District")

    def rows():
        for row in comparison.rows:
            yield (row.code, str(row.place.name_th), *[row.values[m.key] for m in METRICS])
        yield ("", "ค่ากลาง (median)", *[comparison.medians[m.key] for m in METRICS])

    return Table(
        "comparison",
        _("Districts compared") if not groups else _("District groups compared"),
        [Column("code", _("Code")), Column("name", place), *metric_columns()],
        list(rows()),
    )


def place_table(code: str, name: str, figures: Figures) -> Table:
    return Table(
        "figures",
        _("Figures"),
        [Column("code", _("Code")), Column("name", _("Name")), *metric_columns()],
        [(code, name, *[m.get(figures) for m in METRICS])],
    )


def backlog_table(figures: Figures) -> Table:
    return Table(
        "backlog",
        _("Open now, by age"),
        [Column("age", _("Days open")), Column("reports", _("Reports"), "int")],
        [(key, figures.backlog[key]) for key in BACKLOG_KEYS],
    )


def categories_table(rows) -> Table:
    return Table(
        "categories",
        _("Reports by category"),
        [
            Column("category", _("Category")),
            Column("reports", _("Reports"), "int"),
            Column("open", _("Open"), "int"),
        ],
        [(c.name_th if c else "ไม่ระบุ", n, open_) for c, _pk, n, open_ in rows],
    )


def issues_table(stages) -> Table:
    return Table(
        "issues",
        _("Committee issues by stage"),
        [Column("stage", _("Stage")), Column("issues", _("Issues"), "int")],
        [(str(label), n) for _status, label, n in stages],
    )


def status_table(figures: Figures) -> Table:
    from ruam.reports.statuses import Status

    return Table(
        "status",
        _("Reports by status"),
        [Column("status", _("Status")), Column("reports", _("Reports"), "int")],
        [
            (str(label), figures.by_status[value])
            for value, label in Status.choices
            if figures.by_status.get(value)
        ],
    )


def fix_table(figures: Figures) -> Table:
    from ruam.insights.models import FIX_EDGES

    edges = [0, *FIX_EDGES]
    labels = [
        f"{edges[i]}–{edges[i + 1]}" if i + 1 < len(edges) else f"{edges[i]}+"
        for i in range(len(edges))
    ]
    return Table(
        "time_to_fix",
        _("Days to fix"),
        [Column("days", _("Days to fix")), Column("reports", _("Reports"), "int")],
        list(zip(labels, figures.histogram, strict=True)),
    )
