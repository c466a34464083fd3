"""The reports API: list, detail, create, staff status changes, events.

Reading is public and never returns personal data. Creating needs an API key (``X-Api-Key``)
or a signed-in session; an ``Idempotency-Key`` header makes a retried create return the first
report. Staff changes need a session with the right permission or a key that acts for a body.
Creating takes a body big enough for five photos in base64; every other endpoint keeps
Django's cap (``DATA_UPLOAD_MAX_MEMORY_SIZE``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import io
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import NinjaJSONEncoder
from ninja.responses import Status as Respond
from ninja.security import APIKeyHeader, django_auth

from ruam.accounts.services import api_key_from
from ruam.bodies.models import Body
from ruam.core.api_errors import TOO_MANY, ApiError, body_too_large, declare, megabytes
from ruam.core.api_schemas import Key, Page, Text, Window
from ruam.core.errors import NOT_FOUND, Bilingual, InvalidInput, NotAllowed
from ruam.core.ratelimit import allow
from ruam.framework import lookups
from ruam.framework.models import Category
from ruam.reports import labelling, services
from ruam.reports.models import Channel, Report, normalise_code
from ruam.reports.photos import MAX_BYTES as MAX_PHOTO_BYTES
from ruam.reports.selectors import api_reports
from ruam.reports.statuses import Status
from ruam.reports.suggest import suggest
from ruam.reports.validation import MAX_PHOTOS

router = Router(tags=["reports"])


def _base64_length(n_bytes: int) -> int:
    return 4 * -(-n_bytes // 3)


# A report with as many photos as it may have, each as large as the photo checks take, in
# base64, and a megabyte for everything else (4,000 characters of text as \u escapes is 24 KB).
REPORT_BODY_MAX = MAX_PHOTOS * _base64_length(MAX_PHOTO_BYTES) + 1024 * 1024


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
    description: Text = Field(..., description="What is wrong, in Thai or English (≤ 4,000)")
    lat: float | None = None
    lon: float | None = None
    address: Text = ""
    district_code: Key | None = Field(None, description="Needed only without lat/lon")
    categories: list[Key] = Field(
        default_factory=list, description="Traffy category names (Thai or English) or ids"
    )
    contact_name: Text = ""
    contact_email: Text = ""
    contact_phone: Text = ""
    consent: bool = Field(False, description="The reporter agreed to be contacted (PDPA)")
    photos: list[str] = Field(
        default_factory=list,
        description=f"Up to {MAX_PHOTOS} images, base64 (a data: URL too), "
        f"each at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB before encoding",
    )
    suggestion: Text = Field(
        "",
        max_length=2000,
        description="The `suggestion` of GET /categories/suggest that was shown: kept with the "
        "categories chosen, so Ruam learns whether its suggestion was right",
    )


class StatusIn(Schema):
    status: Status
    note: Text = ""
    target_body: Key | None = Field(None, description="Body code, for forward and invite")
    duplicate_of: Key | None = Field(None, description="Tracking code, for duplicate")


class Filters(Page, Window):
    subdistrict: Key | None = None
    status: Status | None = None
    category: Key | None = None


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
    area = None
    if categories:
        # The cached active category has its area at hand; a category since retired has not.
        active = lookups.category(str(categories[0].pk))
        area = active.area if active is not None else categories[0].area
    return {
        "code": report.code,
        "url": request.build_absolute_uri(url) if request else url,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "description": report.public_description,
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
        "duplicate_of": _duplicate_code(report),
        "photos": [p.image.url for p in photos],
    }


def _duplicate_code(report: Report) -> str | None:
    if not report.duplicate_of_id:
        return None
    # api_reports() brings it along; a report from elsewhere (a create) fetches it.
    return getattr(report, "duplicate_code", None) or report.duplicate_of.code


def _get(code: str) -> Report:
    report = api_reports().filter(code=normalise_code(code)).first()
    if report is None:
        raise ApiError(404, NOT_FOUND)
    return report


@router.get(
    "/reports",
    response={200: ReportList, **declare(422)},
    summary="Reports, newest first",
    description="`since` (inclusive) and `until` (exclusive) are ISO 8601, Bangkok time unless "
    "an offset is given; 422 for a value out of range or `until` before `since`.",
)
def list_reports(request: HttpRequest, filters: Query[Filters]):
    qs = Report.objects.all()
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
    items = api_reports(qs).order_by("-created", "-pk")[
        filters.offset : filters.offset + filters.limit
    ]
    return {"items": [report_out(r, request) for r in items], "count": count}


@router.get("/reports/{code}", response={200: ReportOut, **declare(404)}, summary="One report")
def get_report(request: HttpRequest, code: str):
    return report_out(_get(code), request)


@router.get(
    "/reports/{code}/events",
    response={200: EventList, **declare(404)},
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


def _has_credentials(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated or api_key_from(request.headers.get("X-Api-Key")))


def reads_body_up_to(limit: int) -> Callable:
    """Let one operation take a body up to ``limit`` (Django's DATA_UPLOAD_MAX_MEMORY_SIZE stays
    the cap everywhere else): larger is a 413 before anything is read, and a body over Django's
    cap is read only for a client with credentials, so nobody else can make us hold it."""

    def decorate(run: Callable) -> Callable:
        @functools.wraps(run)
        def with_larger_body(request: HttpRequest, *args, **kwargs):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                data = body_too_large(limit).as_dict()
                return HttpResponse(
                    json.dumps(data, ensure_ascii=False),
                    status=413,
                    content_type="application/json; charset=utf-8",
                )
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and _has_credentials(request):
                # What HttpRequest.body does, without its cap: Ninja then reads this.
                try:
                    request._body = request.read()
                except OSError as exc:
                    raise UnreadablePostError(*exc.args) from exc
                request._stream = io.BytesIO(request._body)
            return run(request, *args, **kwargs)

        return with_larger_body

    return decorate


@router.post(
    "/reports",
    response={201: ReportOut, 200: ReportOut, **declare(400, 401, 403, 413, 422, 429, 507)},
    auth=[api_key_auth, django_auth],
    summary="Send a report",
    description="201 for a new report; 200 with the first report when the Idempotency-Key was "
    f"seen before. The body may be up to {megabytes(REPORT_BODY_MAX)} (five photos "
    "of the largest size taken, in base64); larger is a 413.",
)
@decorate_view(reads_body_up_to(REPORT_BODY_MAX))
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
        suggestion=payload.suggestion,
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
    response={200: ReportOut, **declare(400, 401, 403, 404, 413, 422, 429)},
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
    score: float | None = Field(None, description="The model's score, 0–1 (none for keywords)")


class SuggestionList(Schema):
    items: list[Suggestion]
    count: int
    model: str = Field(description="Which model made the suggestion")
    suggestion: str = Field(
        description="Send it back with the report (`suggestion`) or with the categories an "
        "official confirms; empty when nothing was suggested"
    )


class CategoriesIn(Schema):
    categories: list[Key] = Field(
        ..., min_length=1, description="Category names (Thai or English) or ids, first = main"
    )
    suggestion: Text = Field("", max_length=2000, description="A suggestion's token, if any")


@router.get("/categories", response={200: CategoryList}, tags=["framework"], summary="Categories")
def list_categories(request: HttpRequest):
    items = list(Category.objects.filter(is_active=True).select_related("area"))
    return {"items": items, "count": len(items)}


@router.get(
    "/categories/suggest",
    response={200: SuggestionList, **declare(422)},
    tags=["framework"],
    summary="Categories suggested for a text (for a person to confirm)",
)
def suggest_categories(request: HttpRequest, text: str = Query(..., max_length=4000)):
    found = suggest(text)
    items = [
        {"id": c.pk, "name": c.name, "name_th": c.name_th, "score": score}
        for c, score in zip(found.categories, found.scores, strict=True)
    ]
    return {"items": items, "count": len(items), "model": found.model, "suggestion": found.token}


@router.post(
    "/reports/{code}/categories",
    response={200: ReportOut, **declare(400, 401, 403, 404, 413, 422, 429)},
    auth=[api_key_auth, django_auth],
    summary="Staff: confirm or correct a report's categories",
    description="Recorded as a label the classifier learns from (`ruam train-classifier "
    "--from-database`); a suggestion waiting for the division is confirmed or corrected.",
)
def set_categories(request: HttpRequest, code: str, payload: CategoriesIn):
    report = _get(code)
    key = request.auth if not hasattr(request.auth, "is_authenticated") else None
    try:
        labelling.set_categories(
            report,
            actor=None if key else request.user,
            api_key=key,
            categories=payload.categories,
            token=payload.suggestion,
        )
    except NotAllowed as exc:
        raise ApiError(403, exc.message) from None
    return report_out(_get(code), request)
