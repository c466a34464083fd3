"""Fast, cached reads of reference data for hot paths (intake, import, Open311)."""

from __future__ import annotations

from ruam.bodies.models import Body
from ruam.core.refcache import ttl_cache
from ruam.framework.models import Category
from ruam.framework.selectors import RouteIds, RoutingTable
from ruam.geo.models import District, Subdistrict


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
def routing_table() -> RoutingTable:
    return RoutingTable()


def route_ids(category: Category | None, district_code: str) -> RouteIds:
    """Where a new report of this category in this district goes (cached with the table)."""
    return routing_table().route(category, district_code)


@ttl_cache(60)
def body(pk: int) -> Body | None:
    return Body.objects.filter(pk=pk).first()
