"""The public pages that join every app: the city home, a district group, a district; the
privacy notice; health answers for load balancers."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import json_script

from ruam.bodies.models import Body, Membership
from ruam.bodies.services import committee_code, group_code
from ruam.core.metrics import metrics_response, queue_state
from ruam.core.ratelimit import client_address
from ruam.core.refcache import ttl_cache
from ruam.geo.models import Boundary, Community, District, DistrictGroup, Subdistrict
from ruam.geo.selectors import groups_with_counts


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/home.html",
        {
            "groups": groups_with_counts().prefetch_related("districts"),
            "counts": {
                "districts": District.objects.count(),
                "subdistricts": Subdistrict.objects.count(),
                "communities": Community.objects.count(),
                "committee_members": Membership.objects.current()
                .filter(body__kind=Body.Kind.COMMITTEE)
                .count(),
            },
        },
    )


def group_detail(request: HttpRequest, code: str) -> HttpResponse:
    group = get_object_or_404(DistrictGroup, code=code)
    districts = group.districts.annotate(
        subdistrict_count=Count("subdistricts", distinct=True)
    ).order_by("code")
    return render(
        request,
        "site/group_detail.html",
        {
            "group": group,
            "districts": districts,
            "boundary_script": _boundary_script(Boundary.Kind.GROUP, group.code),
            "committee": Body.objects.filter(code=group_code(group.code)).first(),
        },
    )


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.select_related("group"), code=code)
    subdistricts = district.subdistricts.annotate(community_count=Count("communities"))
    communities = district.communities.select_related("subdistrict")
    committee = Body.objects.filter(code=committee_code(code)).first()
    return render(
        request,
        "site/district_detail.html",
        {
            "district": district,
            "subdistricts": subdistricts,
            "communities": communities,
            "committee": committee,
            "member_count": committee.current_memberships().count() if committee else 0,
            "offices": Body.objects.filter(district=district, kind=Body.Kind.DISTRICT_OFFICE)
            .prefetch_related(
                Prefetch(
                    "children",
                    queryset=Body.objects.select_related("division_type").order_by(
                        "division_type__order"
                    ),
                )
            )
            .first(),
            "boundary_script": _boundary_script(Boundary.Kind.DISTRICT, district.code),
        },
    )


@ttl_cache(seconds=300)
def _boundary_script(kind: str, code: str) -> str:
    """A district's or group's outline as the map's ``<script>`` (core/_map.html): up to 120 KB
    of reference JSON, read and written out once in a while rather than on every build of the
    page (3.5 ms of a district page's 36)."""
    return json_script(Boundary.geometry_of(kind, code), "map-geometry")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/privacy.html",
        {"retention_days": settings.RUAM_CONTACT_RETENTION_DAYS},
    )


def health(request: HttpRequest) -> JsonResponse:
    District.objects.exists()
    return JsonResponse({"status": "ok"})


def live(request: HttpRequest) -> JsonResponse:
    """Liveness: answers without touching the database (also the floor in bench/intake.py)."""
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    """Readiness, for a load balancer: the database answers and the work queue can be read.
    503 with a retry hint when not; the queue's backlog is reported either way (a stalled
    worker is an alert for people, not a reason to take the web servers out)."""
    checks: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["queue"] = queue_state()
    except DatabaseError as exc:
        checks["database"] = f"unavailable: {exc.__class__.__name__}"
        response = JsonResponse({"status": "unavailable", "checks": checks}, status=503)
        response["Retry-After"] = "5"
        return response
    return JsonResponse({"status": "ok", "checks": checks})


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the monitoring server's addresses only."""
    if client_address(request) not in settings.RUAM_METRICS_ALLOWED_IPS:
        return HttpResponse(status=403)
    return metrics_response()


_FAVICON = Path(__file__).resolve().parent.parent / "core" / "static" / "ruam" / "favicon.svg"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: the same icon, kept a day."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
