"""Reading reports: nearby open ones, a division's inbox, a resident's own."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from ruam.bodies.models import Body
from ruam.bodies.predicates import seats
from ruam.core.web import whole_number
from ruam.framework.models import Category
from ruam.reports.models import CategorySuggestion, Report, ReportPhoto, neighbour_cells
from ruam.reports.statuses import OPEN, Status

EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Nearby:
    report: Report
    distance_m: float


def nearby_open(
    lat: float,
    lon: float,
    *,
    radius_m: float = 250,
    limit: int = 5,
    category_ids: list[int] | None = None,
    exclude_pk: int | None = None,
) -> list[Nearby]:
    """Open reports within radius_m (≤ 250) of a point, nearest first: the 3 × 3 grid cells
    around it by index, then the exact distance."""
    qs = Report.objects.filter(
        status__in=OPEN, cell__in=neighbour_cells(lat, lon)
    ).prefetch_related("categories")
    if category_ids:
        qs = qs.filter(categories__in=category_ids).distinct()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    found = []
    for report in qs[:500]:
        d = distance_m(lat, lon, report.lat, report.lon)
        if d <= radius_m:
            found.append(Nearby(report, d))
    found.sort(key=lambda n: n.distance_m)
    return found[:limit]


def target_bodies(report: Report) -> QuerySet[Body]:
    """The bodies a report may be forwarded to or invited from: its district's divisions, any
    district office (a report placed in the wrong district), any central department."""
    return (
        Body.objects.filter(
            Q(kind=Body.Kind.DIVISION, district_id=report.district_id)
            | Q(kind=Body.Kind.DISTRICT_OFFICE)
            | Q(kind=Body.Kind.DEPARTMENT)
        )
        .exclude(pk=report.responsible_id)
        .order_by("kind", "district_id", "division_type__order", "name_th")
    )


def acting_body(actor, report: Report, api_key=None) -> Body | None:
    """The body on whose behalf someone acts on this report, for its timeline."""
    if api_key is not None and api_key.body_id:
        return api_key.body
    mine = {seat.body for seat in seats(actor)}
    if report.responsible_id in mine:
        return report.responsible
    return Body.objects.filter(pk__in=mine, district_id=report.district_id).order_by("kind").first()


def handling_bodies(user) -> tuple[set[int], set[str]]:
    """The bodies a person handles reports for, and the districts whose offices they sit in."""
    mine = {seat.body for seat in seats(user)}
    offices = {
        seat.district
        for seat in seats(user)
        if seat.kind == Body.Kind.DISTRICT_OFFICE and seat.district
    }
    return mine, offices


def inbox(user, *, view: str = "new") -> QuerySet[Report]:
    """Reports a person's bodies are responsible for or invited to; a district office's people
    see the whole district. ``categories_pending``: categories suggested in the background,
    not yet confirmed."""
    mine, offices = handling_bodies(user)
    scope = Q(responsible_id__in=mine) | Q(invited__in=mine) | Q(district_id__in=offices)
    pending = CategorySuggestion.objects.filter(
        report=OuterRef("pk"), state=CategorySuggestion.State.PENDING
    )
    qs = (
        Report.objects.filter(scope)
        .distinct()
        .select_related("district", "subdistrict", "responsible")
        .prefetch_related("categories")
        .annotate(categories_pending=Exists(pending))
    )
    now = timezone.now()
    if view == "new":
        qs = qs.filter(status__in=[Status.WAITING, Status.REOPENED, Status.FORWARDED])
    elif view == "overdue":
        qs = qs.filter(status__in=OPEN, deadline__lt=now)
    elif view == "mine":
        qs = qs.filter(responsible_id__in=mine, status__in=OPEN)
    elif view == "open":
        qs = qs.filter(status__in=OPEN)
    return qs


def filter_reports(
    qs: QuerySet[Report],
    *,
    subdistrict: str = "",
    category: str = "",
    status: str = "",
    older_than_days: str = "",
) -> QuerySet[Report]:
    if subdistrict:
        qs = qs.filter(subdistrict_id=subdistrict)
    if (category_id := whole_number(category)) is not None:
        qs = qs.filter(categories=category_id)
    if status in Status.values:
        qs = qs.filter(status=status)
    if (days := whole_number(older_than_days, maximum=36_500)) is not None:
        qs = qs.filter(created__lt=timezone.now() - dt.timedelta(days=days))
    return qs


def public_reports() -> QuerySet[Report]:
    return Report.objects.select_related("district", "subdistrict", "responsible").prefetch_related(
        "categories"
    )


# What the API's public form of a report (``reports.api.report_out``) reads, and no more: the
# whole rows of the report, its district and its duplicate cost more to fetch than to send.
API_FIELDS = (
    "code", "status", "description", "lat", "lon", "address", "district_id", "subdistrict_id",
    "channel", "responsible_id", "deadline", "created", "status_changed", "supporter_count",
    "reopen_count", "rating", "duplicate_of_id",
)  # fmt: skip


def api_reports(reports: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """``reports`` (all by default) in the API's shape; count them before, without the join."""
    return (
        (Report.objects.all() if reports is None else reports)
        .only(*API_FIELDS)
        .annotate(duplicate_code=F("duplicate_of__code"))
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("id", "name_th", "area_id")),
            Prefetch("photos", queryset=ReportPhoto.objects.only("id", "report_id", "image")),
        )
    )
