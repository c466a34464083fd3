from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ruam.bodies.models import Body, Membership
from ruam.geo.models import Community, District, Subdistrict
from ruam.geo.selectors import groups_with_counts


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
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


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def health(request: HttpRequest) -> JsonResponse:
    District.objects.exists()
    return JsonResponse({"status": "ok"})


def live(request: HttpRequest) -> JsonResponse:
    """Liveness: answers without touching the database (also the floor in bench/intake.py)."""
    return JsonResponse({"status": "ok"})
