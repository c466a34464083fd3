"""Public pages of places that need nothing but places: the list of districts.

A district's and a group's own pages join committees, reports and figures: ``ruam.site``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ruam.geo.selectors import districts_public, groups_with_counts


def district_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "geo/district_list.html",
        {"groups": groups_with_counts(), "districts": districts_public()},
    )
