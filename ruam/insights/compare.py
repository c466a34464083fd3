"""Districts (or groups) side by side: the figures of each, the city median of each figure as
the reference, a shade class per value for the colour scale, sorted as asked."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from ruam.geo.models import District, DistrictGroup
from ruam.insights.metrics import BY_KEY, METRICS, median, shade_classes
from ruam.insights.periods import Period
from ruam.insights.selectors import Figures, Filters, figures


@dataclass
class Row:
    place: object  # a District or a DistrictGroup
    code: str
    figures: Figures
    values: dict[str, float | int | None] = field(default_factory=dict)
    classes: dict[str, int | None] = field(default_factory=dict)


@dataclass
class Comparison:
    period: Period
    rows: list[Row]
    medians: dict[str, float | int | None]
    sort: str
    descending: bool
    total: Figures

    @property
    def metrics(self):
        return METRICS

    def bar(self, key: str) -> list[dict]:
        """The rows as bars of one figure, widths relative to the largest, with the city
        median's position (for the chart beside the table)."""
        top = max([r.values[key] or 0 for r in self.rows] + [self.medians.get(key) or 0])
        return [
            {
                "row": r,
                "value": r.values[key],
                "width": round(100 * (r.values[key] or 0) / top) if top else 0,
            }
            for r in self.rows
        ]

    def median_position(self, key: str) -> int | None:
        values = [r.values[key] or 0 for r in self.rows]
        top = max([*values, self.medians.get(key) or 0])
        value = self.medians.get(key)
        return None if value is None or not top else round(100 * value / top)


def merge(parts: list[Figures]) -> Figures:
    """One place's figures from its parts' (a group from its districts)."""
    total = Figures()
    progress = []
    for part in parts:
        for f in fields(Figures):
            name = f.name
            value = getattr(part, name)
            if name == "programme_progress":
                if value is not None:
                    progress.extend([value] * max(1, part.programmes))
            elif isinstance(value, int) and name != "programmes":
                setattr(total, name, getattr(total, name) + value)
            elif isinstance(value, dict):
                mine = getattr(total, name)
                for k, v in value.items():
                    mine[k] = mine.get(k, 0) + v
            elif isinstance(value, list):
                setattr(
                    total, name, [a + b for a, b in zip(getattr(total, name), value, strict=True)]
                )
        total.programmes += part.programmes
    if progress:
        total.programme_progress = sum(progress) / len(progress)
    return total


def _sorted(rows: list[Row], sort: str, descending: bool) -> list[Row]:
    if sort == "name" or sort not in BY_KEY:
        return sorted(rows, key=lambda r: r.code, reverse=descending)
    known = [r for r in rows if r.values[sort] is not None]
    unknown = [r for r in rows if r.values[sort] is None]
    known.sort(key=lambda r: (r.values[sort], r.code), reverse=descending)
    return known + unknown  # places without the figure last, whichever the order


def _rows(places: list[tuple[object, str, Figures]]) -> list[Row]:
    rows = [Row(place, code, figs) for place, code, figs in places]
    for metric in METRICS:
        values = [metric.get(r.figures) for r in rows]
        for r, value, shade in zip(rows, values, shade_classes(values), strict=True):
            r.values[metric.key] = value
            r.classes[metric.key] = shade
    return rows


def compare_districts(
    period: Period, group: DistrictGroup | None, sort: str = "name", descending: bool = False
) -> Comparison:
    """The districts of a group (or all 50), with the city median of every figure."""
    per = figures(Filters(period), by_district=True)
    everyone = list(District.objects.select_related("group").order_by("code"))
    medians = {
        m.key: median([m.get(per.get(d.code) or Figures()) for d in everyone]) for m in METRICS
    }
    shown = [d for d in everyone if group is None or d.group_id == group.code]
    rows = _rows([(d, d.code, per.get(d.code) or Figures()) for d in shown])
    total = merge([r.figures for r in rows])
    return Comparison(period, _sorted(rows, sort, descending), medians, sort, descending, total)


def compare_groups(period: Period, sort: str = "name", descending: bool = False) -> Comparison:
    per = figures(Filters(period), by_district=True)
    everyone = list(District.objects.order_by("code"))
    groups = list(DistrictGroup.objects.order_by("code"))
    places = [
        (
            g,
            g.code,
            merge([per.get(d.code) or Figures() for d in everyone if d.group_id == g.code]),
        )
        for g in groups
    ]
    rows = _rows(places)
    # The reference for groups is the median group.
    medians = {m.key: median([r.values[m.key] for r in rows]) for m in METRICS}
    total = merge([r.figures for r in rows])
    return Comparison(period, _sorted(rows, sort, descending), medians, sort, descending, total)
