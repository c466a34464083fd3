"""Reading programmes and the plan: a few queries over small tables, never over reports.

The progress of every programme in every district is in ``Progress`` rows kept by the
services and the indicator recounts; the plan's roll-up is computed from those rows, the plan
indicators and the issues' own progress on each request (a hundred rows or so).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from ruam.framework.models import PlanItem
from ruam.programmes.models import (
    Measurement,
    PlanIndicator,
    PlanWeight,
    Programme,
    Progress,
)
from ruam.programmes.progress import ratio

TOP_KIND = "dimension"


def city_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(district__isnull=True).select_related("area", "owner")


def with_city_progress(programmes) -> list[tuple[Programme, Progress | None]]:
    programmes = list(programmes)
    rows = {
        row.programme_id: row
        for row in Progress.objects.filter(
            district__isnull=True, programme__in=[p.pk for p in programmes]
        )
    }
    return [(p, rows.get(p.pk)) for p in programmes]


def district_rows(programme: Programme) -> list[Progress]:
    return list(
        Progress.objects.filter(programme=programme, district__isnull=False)
        .select_related("district")
        .order_by("district_id")
    )


def latest_measurements(programme: Programme, district: str | None = None, limit: int = 20):
    qs = Measurement.objects.filter(programme=programme).select_related(
        "programme", "district", "body"
    )
    if district is not None:
        qs = qs.filter(district_id=district)
    return qs.order_by("-date", "-pk")[:limit]


def district_progress(district_code: str) -> list[tuple[Programme, Progress]]:
    """The programmes a district takes part in (a target or a figure): those with figures
    first, the city's before its own, then by area."""
    rows = Progress.objects.filter(district_id=district_code).select_related(
        "programme", "programme__area"
    )
    found = [(row.programme, row) for row in rows]
    found.sort(
        key=lambda pair: (
            pair[1].achieved is None,
            pair[0].district_id is not None,
            pair[0].area.number if pair[0].area_id else 99,
            pair[0].code,
        )
    )
    return found


def own_programmes(district_code: str) -> list[tuple[Programme, Progress | None]]:
    return with_city_progress(
        Programme.objects.filter(district_id=district_code).select_related("area")
    )


@dataclass
class Node:
    item: PlanItem
    progress: float | None = None
    children: list[Node] = field(default_factory=list)
    indicators: list[tuple[PlanIndicator, float | None]] = field(default_factory=list)
    programmes: list[tuple[Programme, float | None]] = field(default_factory=list)
    issues: list[tuple[object, float]] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)


def _weighted(parts: list[tuple[float | None, Decimal]]) -> float | None:
    """Decidim's rule: weighted where weights are set, a plain mean otherwise (all weights 1);
    parts without a figure do not count."""
    known = [(value, float(weight)) for value, weight in parts if value is not None]
    total = sum(weight for _, weight in known)
    if not known or total <= 0:
        return None
    return sum(value * weight for value, weight in known) / total


def indicator_progress(indicator: PlanIndicator, city: dict[int, Progress]) -> float | None:
    if indicator.programme_id and indicator.programme_id in city:
        return city[indicator.programme_id].progress
    return ratio(indicator.direction, indicator.target, indicator.achieved, indicator.baseline)


def plan_forest() -> tuple[list[Node], list[Node]]:
    """The plan from its top level (the 9 dimensions) down, each node with its progress rolled
    up from its children, its indicators, and the programmes and committee issues linked to it;
    and, apart, the other top-level items that carry figures (goals with no place in the
    tree)."""
    items = list(PlanItem.objects.select_related("kind").order_by("kind__order", "order", "pk"))
    weights = dict(PlanWeight.objects.values_list("plan_item_id", "weight"))
    city = {row.programme_id: row for row in Progress.objects.filter(district__isnull=True)}
    nodes = {item.pk: Node(item) for item in items}
    for indicator in PlanIndicator.objects.select_related("programme"):
        node = nodes.get(indicator.plan_item_id)
        if node is not None:
            node.indicators.append((indicator, indicator_progress(indicator, city)))
    links = Programme.plan_items.through.objects.filter(programme__district__isnull=True)
    programmes = {p.pk: p for p in city_programmes()}
    for programme_id, item_id in links.values_list("programme_id", "planitem_id"):
        if item_id in nodes and programme_id in programmes:
            row = city.get(programme_id)
            nodes[item_id].programmes.append(
                (programmes[programme_id], row.progress if row else None)
            )
    _issues_into(nodes)
    children = defaultdict(list)
    for item in items:
        if item.parent_id in nodes:
            children[item.parent_id].append(nodes[item.pk])

    def roll(node: Node) -> float | None:
        node.children = children.get(node.item.pk, [])
        parts = [(roll(child), weights.get(child.item.pk, Decimal(1))) for child in node.children]
        parts += [(value, indicator.weight) for indicator, value in node.indicators]
        followed = {indicator.programme_id for indicator, _ in node.indicators}
        parts += [
            (value, programme.weight)
            for programme, value in node.programmes
            if programme.pk not in followed
        ]
        parts += [(value, Decimal(1)) for _, value in node.issues]
        node.progress = _weighted(parts)
        return node.progress

    roots = [nodes[item.pk] for item in items if item.parent_id is None]
    for root in roots:
        roll(root)
    top = [n for n in roots if n.item.kind.code == TOP_KIND]
    others = [
        n
        for n in roots
        if n.item.kind.code != TOP_KIND and (n.indicators or n.programmes or n.children)
    ]
    return top, others


def plan_tree() -> list[Node]:
    return plan_forest()[0]


def _issues_into(nodes: dict[int, Node]) -> None:
    from ruam.issues.models import Issue

    through = Issue.plan_items.through
    issues = Issue.objects.exclude(status="declined").in_bulk(
        set(through.objects.values_list("issue_id", flat=True))
    )
    for issue_id, item_id in through.objects.values_list("issue_id", "planitem_id"):
        if item_id in nodes and issue_id in issues:
            nodes[item_id].issues.append((issues[issue_id], issues[issue_id].progress / 100))


def programmes_of_issue(issue) -> list[tuple[Programme, Progress | None]]:
    """The programmes a committee issue moves: linked to it, or to one of its plan items."""
    qs = Programme.objects.filter(issues=issue) | Programme.objects.filter(
        plan_items__in=issue.plan_items.all()
    )
    return with_city_progress(qs.distinct().select_related("area"))


def measurement_with_history(pk: int) -> Measurement:
    return (
        Measurement.objects.select_related("programme", "district", "body", "corrects")
        .prefetch_related(Prefetch("events"), "corrections")
        .get(pk=pk)
    )
