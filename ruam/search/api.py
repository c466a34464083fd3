"""GET /api/v1/search: Thai full-text search over reports (and committee issues)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ruam.core.api_errors import declare
from ruam.core.api_schemas import Key, Text
from ruam.search.selectors import MAX_WINDOW, search

router = Router(tags=["search"])


class SearchIn(Schema):
    q: Text = Field(..., min_length=1, max_length=200, description="Thai or English words")
    kind: str | None = Field(None, pattern="^(report|issue)$")
    district: Key | None = None
    open_only: bool = False
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(
        0, ge=0, le=MAX_WINDOW, description="results past the newest 5,000 matches are not read"
    )


class HitOut(Schema):
    kind: str
    code: str
    title: str
    district_code: str
    created: dt.datetime
    is_open: bool
    rank: float
    url: str


class HitList(Schema):
    items: list[HitOut]
    count: int


def hit_url(hit) -> str:
    return f"/reports/{hit.code}/" if hit.kind == "report" else f"/issues/{hit.object_id}/"


@router.get(
    "/search",
    response={200: HitList, **declare(422)},
    summary="Search reports and issues (Thai word parts too)",
)
def search_api(request: HttpRequest, params: Query[SearchIn]):
    hits, count = search(
        params.q,
        kind=params.kind,
        district=params.district,
        open_only=params.open_only,
        limit=params.limit,
        offset=params.offset,
    )
    items = [
        {
            "kind": h.kind,
            "code": h.code,
            "title": h.title,
            "district_code": h.district_id,
            "created": h.created,
            "is_open": h.is_open,
            "rank": round(float(h.rank), 4),
            "url": hit_url(h),
        }
        for h in hits
    ]
    return {"items": items, "count": count}
