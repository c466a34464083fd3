"""Reading places."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from ruam.geo.models import District, DistrictGroup


def groups_with_counts() -> QuerySet[DistrictGroup]:
    return DistrictGroup.objects.annotate(district_count=Count("districts")).order_by("code")


def districts_public() -> QuerySet[District]:
    """Districts without their (large) boundaries, for lists."""
    return District.objects.select_related("group").order_by("code")


def district_detail(code: str) -> District:
    return District.objects.select_related("group").prefetch_related("subdistricts").get(code=code)
