"""Fast, cached reads of reference data for hot paths (intake, import, Open311)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruam.bodies.models import Body
from ruam.core.refcache import ttl_cache
from ruam.framework.models import Category
from ruam.framework.selectors import RouteIds, RoutingTable
from ruam.geo.models import District, Subdistrict


@ttl_cache(60)
def _districts() -> dict[str, District]:
    # Fifty rows, read at once: a code a client invents costs no query and no cache entry.
    return {d.code: d for d in District.objects.select_related("group")}


def district(code: str) -> District | None:
    return _districts().get(code)


@ttl_cache(60)
def subdistrict(code: str) -> Subdistrict | None:
    return Subdistrict.objects.filter(code=code).first()


# Thai digits (๐–๙) read as 0–9: what a Thai keyboard types for a code.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ID = re.compile(r"[0-9]{1,18}")  # at most 18 digits: always inside a 64-bit key


def category_id(key: str) -> int | None:
    """A category's id as given (``"12"``, ``" 12"``, ``"๑๒"``), or None if ``key`` is not one.

    Only ASCII and Thai digits count: ``str.isdigit`` also takes superscripts ("³", which
    ``int`` refuses) and other scripts' digits; and an id too long for the database's integers
    is no id, rather than an overflow in the query."""
    text = key.strip().translate(_THAI_DIGITS)
    return int(text) if _ID.fullmatch(text) else None


@dataclass(frozen=True)
class _Categories:
    by_id: dict[int, Category]
    by_name_th: dict[str, Category]
    by_name_en: dict[str, Category]


@ttl_cache(60)
def _active_categories() -> _Categories:
    # Two dozen rows: one query for all of them, and no cache entry per key a client invents.
    by_id: dict[int, Category] = {}
    by_name_th: dict[str, Category] = {}
    by_name_en: dict[str, Category] = {}
    for row in Category.objects.filter(is_active=True).select_related("area").order_by("pk"):
        by_id[row.pk] = row
        by_name_th.setdefault(row.name_th, row)
        if row.name_en:
            by_name_en.setdefault(row.name_en.casefold(), row)
    return _Categories(by_id, by_name_th, by_name_en)


def category(key: str) -> Category | None:
    """By id (see ``category_id``), Thai name or English name (any case); active ones only."""
    if not key:
        return None
    found = _active_categories()
    pk = category_id(key)
    if pk is not None:
        return found.by_id.get(pk)
    return found.by_name_th.get(key) or found.by_name_en.get(key.casefold())


@ttl_cache(60)
def routing_table() -> RoutingTable:
    return RoutingTable()


def route_ids(category: Category | None, district_code: str) -> RouteIds:
    """Where a new report of this category in this district goes (cached with the table)."""
    return routing_table().route(category, district_code)


@ttl_cache(60)
def body(pk: int) -> Body | None:
    return Body.objects.filter(pk=pk).first()
