"""Fast, cached reads of reference data for hot paths (intake, import, Open311)."""

from __future__ import annotations

from dataclasses import dataclass

from ruam.bodies.models import Body
from ruam.core.refcache import ttl_cache
from ruam.framework.models import Category
from ruam.framework.selectors import route
from ruam.geo.models import District, Subdistrict


@dataclass(frozen=True)
class RouteIds:
    division_id: int | None
    department_id: int | None
    deadline_days: int


@ttl_cache(60)
def district(code: str) -> District | None:
    return District.objects.select_related("group").filter(code=code).first()


@ttl_cache(60)
def subdistrict(code: str) -> Subdistrict | None:
    return Subdistrict.objects.filter(code=code).first()


@ttl_cache(60)
def category(key: str) -> Category | None:
    """By primary key (digits), Thai name or English name; active ones only."""
    qs = Category.objects.filter(is_active=True).select_related("area")
    if key.isdigit():
        return qs.filter(pk=int(key)).first()
    return qs.filter(name_th=key).first() or qs.filter(name_en__iexact=key).first()


@ttl_cache(60)
def route_ids(category_id: int, district_code: str) -> RouteIds:
    found = route(Category.objects.get(pk=category_id), district_code)
    return RouteIds(
        found.division.pk if found.division else None,
        found.department.pk if found.department else None,
        found.deadline_days,
    )


@ttl_cache(60)
def district_office_id(district_code: str) -> int | None:
    return (
        Body.objects.filter(kind=Body.Kind.DISTRICT_OFFICE, district_id=district_code)
        .values_list("pk", flat=True)
        .first()
    )


@ttl_cache(60)
def body(pk: int) -> Body | None:
    return Body.objects.filter(pk=pk).first()
