"""Reading the frame of reference: where a report of a category in a district goes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ruam.bodies.models import Body
from ruam.framework.models import Category, RoutingRule


@dataclass(frozen=True)
class Route:
    division: Body | None
    department: Body | None
    deadline_days: int
    rule: RoutingRule | None


def route(category: Category, district_code: str) -> Route:
    """The district's own rule for the category if it has one, else the city-wide default."""
    rules = list(
        RoutingRule.objects.filter(category=category)
        .filter(Q(district_id=district_code) | Q(district__isnull=True))
        .select_related("division_type", "department", "category")
    )
    rule = next((r for r in rules if r.district_id), None) or next(iter(rules), None)
    if rule is None:
        return Route(None, None, category.deadline_days, None)
    division = Body.objects.filter(
        kind=Body.Kind.DIVISION, district_id=district_code, division_type=rule.division_type
    ).first()
    return Route(division, rule.department, rule.effective_deadline_days, rule)
