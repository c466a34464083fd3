"""The district's staff views of what keeps coming back."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from ruam.core.permissions import allowed
from ruam.core.web import whole_number
from ruam.framework.models import Category
from ruam.geo.models import District
from ruam.reports.hotspots import district_hotspots
from ruam.reports.models import Report


@login_required
def hotspots(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    if not allowed(request.user, "insights.view_hotspots", district):
        raise PermissionDenied
    months = request.GET.get("months", "")
    span = whole_number(months, minimum=1, maximum=1200)
    since = timezone.now() - dt.timedelta(days=30 * span) if span else None
    category = Category.objects.filter(pk=whole_number(request.GET.get("category")) or 0).first()
    found = district_hotspots(code, since=since, category=category)
    lang = get_language() or "th"
    codes = dict(
        Report.objects.filter(pk__in=[pk for h in found for pk in h.report_ids[:30]]).values_list(
            "pk", "code"
        )
    )
    rows = [
        {
            "hotspot": h,
            "explanation": h.explain(lang),
            "codes": [codes[pk] for pk in h.report_ids[:30] if pk in codes],
        }
        for h in found
    ]
    geometry = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"n": i + 1},
                "geometry": {"type": "Point", "coordinates": [h.lon, h.lat]},
            }
            for i, h in enumerate(found)
        ],
    }
    return render(
        request,
        "insights/hotspots.html",
        {
            "district": district,
            "rows": rows,
            "geometry": geometry if found else district.boundary,
            "categories": Category.objects.all(),
            "category": category,
            "months": months,
        },
    )
