from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ruam.core.web import whole_number
from ruam.geo.models import District
from ruam.search.api import hit_url
from ruam.search.selectors import MAX_WINDOW, search

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
            "hits": [(hit, hit_url(hit)) for hit in hits],
            "count": count,
            "page": paginator.get_page(page_number),
            "districts": District.objects.order_by("name_th"),
            "district": district or "",
            "open_only": open_only,
        },
    )
