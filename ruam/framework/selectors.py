"""Reading the frame of reference: where a report of a category in a district goes.

One rule, two forms: ``route()`` answers for one category and district (pages, tests);
``RoutingTable`` reads every rule and division once and answers for many (intake's cache, the
Traffy import). Both choose the rule with ``choose_rule`` and fall back the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from ruam.bodies.models import Body
from ruam.framework.models import Category, RoutingRule

# A report with no category waits this long, as long as a category's default.
DEFAULT_DEADLINE_DAYS = 15


@dataclass(frozen=True)
class Route:
    division: Body | None
    department: Body | None
    deadline_days: int
    rule: RoutingRule | None


@dataclass(frozen=True, slots=True)
class RouteIds:
    """Where a new report goes, as keys: the division the rule names, else the district's
    office (a report is never left without a responsible body); the central department; the
    days until its deadline."""

    responsible_id: int | None
    department_id: int | None
    deadline_days: int


def choose_rule(rules: Iterable[RoutingRule], district_code: str) -> RoutingRule | None:
    """The district's own rule for the category if it has one, else the city-wide default."""
    rules = list(rules)
    return next((r for r in rules if r.district_id == district_code), None) or next(
        (r for r in rules if r.district_id is None), None
    )


def route(category: Category, district_code: str) -> Route:
    rule = choose_rule(
        RoutingRule.objects.filter(category=category)
        .filter(Q(district_id=district_code) | Q(district__isnull=True))
        .select_related("division_type", "department", "category"),
        district_code,
    )
    if rule is None:
        return Route(None, None, category.deadline_days, None)
    division = Body.objects.filter(
        kind=Body.Kind.DIVISION, district_id=district_code, division_type=rule.division_type
    ).first()
    return Route(division, rule.department, rule.effective_deadline_days, rule)


class RoutingTable:
    """Every routing rule, division and district office, read once: ``route()`` for many
    (category, district) pairs in memory, with the same answers."""

    def __init__(self) -> None:
        self._rules: dict[int, list[RoutingRule]] = {}
        for rule in RoutingRule.objects.select_related("category"):
            self._rules.setdefault(rule.category_id, []).append(rule)
        self._divisions: dict[tuple[str, int], int] = {}
        self.offices: dict[str, int] = {}
        for kind, district, division_type, pk in (
            Body.objects.filter(kind__in=[Body.Kind.DIVISION, Body.Kind.DISTRICT_OFFICE])
            .exclude(district=None)
            .order_by(*Body._meta.ordering)
            .values_list("kind", "district_id", "division_type_id", "pk")
        ):
            if kind == Body.Kind.DISTRICT_OFFICE:
                self.offices.setdefault(district, pk)
            else:
                self._divisions.setdefault((district, division_type), pk)  # route(): .first()

    def route(self, category: Category | None, district_code: str) -> RouteIds:
        office = self.offices.get(district_code)
        if category is None:
            return RouteIds(office, None, DEFAULT_DEADLINE_DAYS)
        rule = choose_rule(self._rules.get(category.pk, ()), district_code)
        if rule is None:
            return RouteIds(office, None, category.deadline_days)
        division = self._divisions.get((district_code, rule.division_type_id))
        return RouteIds(division or office, rule.department_id, rule.effective_deadline_days)
