from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ruam.core.web import whole_number
from ruam.geo.models import District
from ruam.reports.models import Report
from ruam.search.api import hit_url
from ruam.search.selectors import MAX_WINDOW, query_words, search

PAGE = 20


class _Counted:
    """A paginator's view of a search: the count is known, pages are fetched on demand."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item) -> list:
        return []  # the hits of a page come from search(), not from here


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    district = request.GET.get("district", "") or None
    open_only = request.GET.get("open") == "1"
    page_number = request.GET.get("page", "1")
    page_number = whole_number(page_number, minimum=1, maximum=100_000) or 1
    hits, count = ([], 0)
    if query:
        hits, count = search(
            query,
            district=district,
            open_only=open_only,
            limit=PAGE,
            offset=(page_number - 1) * PAGE,
        )
    # Pages go as far as results can be read (the newest MAX_WINDOW matches), not as far as
    # the count: page 3,000 of a common word would be empty.
    paginator = Paginator(_Counted(min(count, MAX_WINDOW)), PAGE)
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "hits": _shown(hits),
            "words": query_words(query) if query else [],
            "count": count,
            "page": paginator.get_page(page_number),
            "districts": District.objects.order_by("name_th"),
            "district": district or "",
            "open_only": open_only,
        },
    )


def _shown(hits) -> list[dict]:
    """What a result shows: the code as it is written (XXXX-XXXX), the district, the report's
    categories and a link; the words found are marked by the template."""
    districts = {d.code: d for d in District.objects.filter(code__in={h.district_id for h in hits})}
    reports = {
        r.code: r
        for r in Report.objects.filter(
            code__in=[h.code for h in hits if h.kind == "report"]
        ).prefetch_related("categories")
    }
    shown = []
    for hit in hits:
        report = reports.get(hit.code) if hit.kind == "report" else None
        shown.append(
            {
                "hit": hit,
                "url": hit_url(hit),
                "code": report.display_code if report else hit.code,
                "district": districts.get(hit.district_id),
                "categories": list(report.categories.all()) if report else [],
            }
        )
    return shown
