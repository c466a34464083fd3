"""The reports API: list, detail, create, staff status changes, events.

Reading is public and never returns personal data. Creating needs an API key (``X-Api-Key``)
or a signed-in session; an ``Idempotency-Key`` header makes a retried create return the first
report. Staff changes need a session with the right permission or a key that acts for a body.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from ninja.responses import Status as Respond
from ninja.security import APIKeyHeader, django_auth

from ruam.accounts.services import api_key_from
from ruam.bodies.models import Body
from ruam.core.api_errors import ApiError
from ruam.core.errors import NOT_FOUND, Bilingual, InvalidInput, NotAllowed
from ruam.core.ratelimit import allow
from ruam.framework import lookups
from ruam.framework.models import Category
from ruam.reports import services
from ruam.reports.models import Channel, Report, normalise_code
from ruam.reports.selectors import public_reports
from ruam.reports.statuses import Status

router = Router(tags=["reports"])
TOO_MANY = Bilingual("ส่งคำขอถี่เกินไป", "Too many requests.")


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        return api_key_from(key)


api_key_auth = ApiKeyAuth()


class BodyOut(Schema):
    code: str
    name_th: str
    name_en: str


class ReportOut(Schema):
    code: str
    url: str
    status: str
    status_label: str
    description: str
    lat: float | None
    lon: float | None
    address: str
    district_code: str
    subdistrict_code: str | None
    categories: list[str]
    area_number: int | None
    channel: str
    responsible: BodyOut | None
    deadline: dt.datetime | None
    created: dt.datetime
    status_changed: dt.datetime
    supporter_count: int
    reopen_count: int
    rating: int | None
    duplicate_of: str | None
    photos: list[str]


class ReportList(Schema):
    items: list[ReportOut]
    count: int


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    note: str
    body: str | None
    target_body: str | None
    created: dt.datetime


class EventList(Schema):
    items: list[EventOut]
    count: int


class ReportIn(Schema):
    description: str = Field(..., description="What is wrong, in Thai or English (≤ 4,000)")
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    district_code: str | None = Field(None, description="Needed only without lat/lon")
    categories: list[str] = Field(default_factory=list, description="Traffy category names")
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    consent: bool = Field(False, description="The reporter agreed to be contacted (PDPA)")
    photos: list[str] = Field(default_factory=list, description="Up to 5 images, base64")


class StatusIn(Schema):
    status: Status
    note: str = ""
    target_body: str | None = Field(None, description="Body code, for forward and invite")
    duplicate_of: str | None = Field(None, description="Tracking code, for duplicate")


class Message(Schema):
    detail: str
    message_th: str
    message_en: str


class Filters(Schema):
    district: str | None = None
    subdistrict: str | None = None
    status: Status | None = None
    category: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def _body_out(body: Body | None) -> dict | None:
    return body and {"code": body.code, "name_th": body.name_th, "name_en": body.name_en}


def report_out(
    report: Report,
    request: HttpRequest | None = None,
    *,
    categories: list | None = None,
    photos: list | None = None,
) -> dict:
    """The public form of a report. ``categories`` and ``photos``, when the caller has them,
    save the queries."""
    url = report.get_absolute_url()
    if categories is None:
        categories = list(report.categories.all())
    if photos is None:
        photos = list(report.photos.all())
    area = lookups.category(str(categories[0].pk)).area if categories else None
    return {
        "code": report.code,
        "url": request.build_absolute_uri(url) if request else url,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "description": report.description,
        "lat": report.lat,
        "lon": report.lon,
        "address": report.address,
        "district_code": report.district_id,
        "subdistrict_code": report.subdistrict_id,
        "categories": [c.name_th for c in categories],
        "area_number": area.number if area else None,
        "channel": report.channel,
        "responsible": _body_out(lookups.body(report.responsible_id))
        if report.responsible_id
        else None,
        "deadline": report.deadline,
        "created": report.created,
        "status_changed": report.status_changed,
        "supporter_count": report.supporter_count,
        "reopen_count": report.reopen_count,
        "rating": report.rating,
        "duplicate_of": report.duplicate_of.code if report.duplicate_of_id else None,
        "photos": [p.image.url for p in photos],
    }


def _get(code: str) -> Report:
    report = (
        public_reports()
        .select_related("area", "duplicate_of")
        .prefetch_related("photos")
        .filter(code=normalise_code(code))
        .first()
    )
    if report is None:
        raise ApiError(404, NOT_FOUND)
    return report


@router.get("/reports", response=ReportList, summary="Reports, newest first")
def list_reports(request: HttpRequest, filters: Query[Filters]):
    qs = public_reports().select_related("area", "duplicate_of").prefetch_related("photos")
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    if filters.subdistrict:
        qs = qs.filter(subdistrict_id=filters.subdistrict)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(categories__name_th=filters.category)
    if filters.since:
        qs = qs.filter(created__gte=filters.since)
    if filters.until:
        qs = qs.filter(created__lt=filters.until)
    count = qs.count()
    items = qs.order_by("-created", "-pk")[filters.offset : filters.offset + filters.limit]
    return {"items": [report_out(r, request) for r in items], "count": count}


@router.get("/reports/{code}", response={200: ReportOut, 404: Message}, summary="One report")
def get_report(request: HttpRequest, code: str):
    return report_out(_get(code), request)


@router.get(
    "/reports/{code}/events",
    response={200: EventList, 404: Message},
    summary="A report's public timeline",
)
def report_events(request: HttpRequest, code: str):
    report = _get(code)
    events = report.events.select_related("actor_body", "target_body")
    items = [
        {
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "body": e.actor_body.name_th if e.actor_body else None,
            "target_body": e.target_body.name_th if e.target_body else None,
            "created": e.created,
        }
        for e in events
    ]
    return {"items": items, "count": len(items)}


def _decode_photos(photos: list[str]) -> list[bytes]:
    decoded = []
    for i, text in enumerate(photos):
        if "," in text[:100] and text.startswith("data:"):
            text = text.split(",", 1)[1]
        try:
            decoded.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            raise InvalidInput(
                {f"photos.{i}": Bilingual("ภาพไม่ใช่ base64 ที่ถูกต้อง", "A photo is not valid base64.")}
            ) from None
    return decoded


@router.post(
    "/reports",
    response={201: ReportOut, 200: ReportOut, 401: Message, 422: Message, 429: Message},
    auth=[api_key_auth, django_auth],
    summary="Send a report",
    description="201 for a new report; 200 with the first report when the Idempotency-Key was "
    "seen before.",
)
def create_report(request: HttpRequest, payload: ReportIn):
    key = request.auth if not hasattr(request.auth, "is_authenticated") else None
    ident = f"key:{key.pk}" if key else f"user:{request.user.pk}"
    if not allow("report_api", ident):
        raise ApiError(429, TOO_MANY)
    result = services.submit_report(
        description=payload.description,
        channel=Channel.API,
        lat=payload.lat,
        lon=payload.lon,
        address=payload.address,
        district_code=payload.district_code,
        categories=payload.categories,
        reporter=None if key else request.user,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        consent=payload.consent,
        photos=_decode_photos(payload.photos),
        idempotency_scope=ident,
        idempotency_key=request.headers.get("Idempotency-Key", "")[:200],
        actor_body=key.body if key else None,
    )
    if not result.created:
        return Respond(200, report_out(_get(result.report.code), request))
    # Every API client's report passes here: the answer is written straight from report_out()
    # (which the tests check against ReportOut) instead of being validated again per request.
    out = report_out(result.report, request, categories=result.categories, photos=result.photos)
    return HttpResponse(
        json.dumps(out, cls=NinjaJSONEncoder), status=201, content_type="application/json"
    )


@router.post(
    "/reports/{code}/status",
    response={200: ReportOut, 401: Message, 403: Message, 404: Message, 422: Message},
    auth=[api_key_auth, django_auth],
    summary="Staff: change a report's status",
)
def change_status(request: HttpRequest, code: str, payload: StatusIn):
    report = _get(code)
    key = request.auth if not hasattr(request.auth, "is_authenticated") else None
    target = Body.objects.filter(code=payload.target_body).first() if payload.target_body else None
    original = (
        Report.objects.filter(code=normalise_code(payload.duplicate_of)).first()
        if payload.duplicate_of
        else None
    )
    try:
        services.change_status(
            report,
            actor=None if key else request.user,
            api_key=key,
            to=payload.status,
            note=payload.note,
            target_body=target,
            duplicate_of=original,
        )
    except NotAllowed as exc:
        raise ApiError(403, exc.message) from None
    return report_out(_get(code), request)


class CategoryOut(Schema):
    id: int
    name_th: str
    name_en: str
    area_number: int = Field(alias="area.number")
    deadline_days: int


class CategoryList(Schema):
    items: list[CategoryOut]
    count: int


class Suggestion(Schema):
    id: int
    name: str
    name_th: str


class SuggestionList(Schema):
    items: list[Suggestion]
    count: int


@router.get("/categories", response=CategoryList, tags=["framework"], summary="Categories")
def list_categories(request: HttpRequest):
    items = list(Category.objects.filter(is_active=True).select_related("area"))
    return {"items": items, "count": len(items)}


@router.get(
    "/categories/suggest",
    response=SuggestionList,
    tags=["framework"],
    summary="Categories suggested for a text (for a person to confirm)",
)
def suggest_categories(request: HttpRequest, text: str = Query(..., max_length=4000)):
    from ruam.reports.suggest import suggest_categories as suggest

    items = [{"id": c.pk, "name": c.name, "name_th": c.name_th} for c in suggest(text)]
    return {"items": items, "count": len(items)}
