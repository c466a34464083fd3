"""Programmes, their progress and the plan as JSON; staff send figures.

Reading is public and holds no personal data (who recorded a figure is never said; a partner's
contact person is never named). Sending a figure needs an API key that acts for a body of the
district (or of the owning department) or a signed-in session of the district's staff.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Respond
from ninja.security import django_auth

from ruam.core.api_errors import ApiError, declare
from ruam.core.api_schemas import Key, Page, Text
from ruam.core.errors import NOT_FOUND, Bilingual, InvalidInput, NotAllowed
from ruam.programmes import selectors, services
from ruam.programmes.models import Measurement, Programme, Progress
from ruam.reports.api import api_key_auth

router = Router(tags=["programmes"])

EVIDENCE_BASE64 = Bilingual("หลักฐานไม่ใช่ base64 ที่ถูกต้อง", "The evidence is not valid base64.")


class ProgrammeFilters(Page):
    area: int | None = Field(None, ge=1, le=6, description="One of the six areas")


class ProgrammeOut(Schema):
    code: str
    name_th: str
    name_en: str
    unit: str
    unit_en: str
    area: int | None
    direction: str
    computed: bool
    district_code: str | None = Field(description="Set for a district's own programme")
    target: float | None
    target_is_placeholder: bool
    achieved: float | None
    progress: float | None = Field(description="0–1; null without a target")
    measured_on: dt.date | None
    url: str


class ProgrammeList(Schema):
    items: list[ProgrammeOut]
    count: int


class DistrictFigure(Schema):
    district_code: str
    target: float | None
    target_is_placeholder: bool
    achieved: float | None
    progress: float | None


class ProgrammeDetail(ProgrammeOut):
    starts: dt.date | None
    ends: dt.date | None
    source_url: str
    districts: list[DistrictFigure]


class MeasurementIn(Schema):
    district_code: Key | None = Field(None, description="Empty: city-wide (owning department)")
    date: dt.date
    value: float = Field(..., ge=0, le=99_999_999_999_999)
    unit: Key | None = Field(None, description="If given, must be the programme's unit")
    note: Text = Field("", max_length=4000)
    lat: float | None = None
    lon: float | None = None
    evidence: str | None = Field(
        None, description="A photo or a PDF, base64 (a data: URL too), at most 10 MB decoded"
    )


class MeasurementOut(Schema):
    id: int
    programme: str
    district_code: str | None
    date: dt.date
    value: float
    status: str
    evidence: str | None
    corrects: int | None


class PlanNode(Schema):
    code: str
    kind: str
    name_th: str
    name_en: str
    progress: float | None
    children: list[PlanNode]


class PlanList(Schema):
    items: list[PlanNode]
    count: int


PlanNode.model_rebuild()


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def programme_out(programme: Programme, row: Progress | None, request=None) -> dict:
    url = programme.get_absolute_url()
    return {
        "code": programme.code,
        "name_th": programme.name_th,
        "name_en": programme.name_en,
        "unit": programme.unit_th,
        "unit_en": programme.unit_en,
        "area": programme.area.number if programme.area_id else None,
        "direction": programme.direction,
        "computed": programme.is_computed,
        "district_code": programme.district_id,
        "target": _number(row.target) if row else None,
        "target_is_placeholder": bool(row and row.target_is_placeholder),
        "achieved": _number(row.achieved) if row else None,
        "progress": row.progress if row else None,
        "measured_on": row.measured_on if row else None,
        "url": request.build_absolute_uri(url) if request else url,
    }


@router.get(
    "/programmes",
    response={200: ProgrammeList, **declare(422)},
    summary="Programmes with their progress",
    description="The city's programmes (and districts' own, with `district`). With `district` "
    "each figure is that district's, else the city's.",
)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilters]):
    qs = Programme.objects.select_related("area").order_by("area__number", "code")
    if filters.district:
        qs = qs.filter(district__isnull=True) | qs.filter(district_id=filters.district)
    else:
        qs = qs.filter(district__isnull=True)
    if filters.area:
        qs = qs.filter(area__number=filters.area)
    count = qs.count()
    page = list(qs[filters.offset : filters.offset + filters.limit])
    rows = Progress.objects.filter(programme__in=[p.pk for p in page])
    if filters.district:
        own = {p.pk for p in page if p.district_id}
        rows = rows.filter(district_id=filters.district) | rows.filter(
            programme__in=own, district__isnull=True
        )
        rows = {r.programme_id: r for r in rows if r.district_id or r.programme_id in own}
    else:
        rows = {r.programme_id: r for r in rows.filter(district__isnull=True)}
    return {"items": [programme_out(p, rows.get(p.pk), request) for p in page], "count": count}


def _programme(code: str) -> Programme:
    programme = Programme.objects.select_related("area").filter(code=code).first()
    if programme is None:
        raise ApiError(404, NOT_FOUND)
    return programme


@router.get(
    "/programmes/{code}",
    response={200: ProgrammeDetail, **declare(404, 422)},
    summary="One programme, with each district's target, achieved and progress",
)
def get_programme(request: HttpRequest, code: Key):
    programme = _programme(code)
    city = selectors.with_city_progress([programme])[0][1]
    out = programme_out(programme, city, request) | {
        "starts": programme.starts,
        "ends": programme.ends,
        "source_url": programme.source_url,
        "districts": [
            {
                "district_code": row.district_id,
                "target": _number(row.target),
                "target_is_placeholder": row.target_is_placeholder,
                "achieved": _number(row.achieved),
                "progress": row.progress,
            }
            for row in selectors.district_rows(programme)
        ],
    }
    return out


def _evidence(text: str | None) -> bytes | None:
    if not text:
        return None
    if text.startswith("data:") and "," in text[:100]:
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput({"evidence": EVIDENCE_BASE64}) from None


def measurement_out(m: Measurement, request=None) -> dict:
    return {
        "id": m.pk,
        "programme": m.programme.code,
        "district_code": m.district_id,
        "date": m.date,
        "value": float(m.value),
        "status": m.status,
        "evidence": (request.build_absolute_uri(m.evidence.url) if request else m.evidence.url)
        if m.evidence
        else None,
        "corrects": m.corrects_id,
    }


@router.post(
    "/programmes/{code}/measurements",
    response={201: MeasurementOut, **declare(400, 401, 403, 404, 413, 422, 429)},
    auth=[api_key_auth, django_auth],
    summary="Staff: record a figure achieved",
    description="For the district's staff (a key acting for a body of the district, or a "
    "session), or the owning department. Checked: the unit (if given), the date within the "
    "programme's period and not in the future, the district of the sender.",
)
def record(request: HttpRequest, code: Key, payload: MeasurementIn):
    programme = _programme(code)
    key = request.auth if not hasattr(request.auth, "is_authenticated") else None
    try:
        made = services.record_measurement(
            actor=key or request.user,
            programme=programme,
            district_code=payload.district_code,
            date=payload.date,
            value=Decimal(str(payload.value)),
            unit=payload.unit,
            note=payload.note,
            lat=payload.lat,
            lon=payload.lon,
            evidence=_evidence(payload.evidence),
            origin=Measurement.Origin.API,
        )
    except NotAllowed as exc:
        raise ApiError(403, exc.message) from None
    return Respond(201, measurement_out(made, request))


def _node(node: selectors.Node) -> dict:
    return {
        "code": node.item.code,
        "kind": node.item.kind.code,
        "name_th": node.item.name_th,
        "name_en": node.item.name_en,
        "progress": node.progress,
        "children": [_node(child) for child in node.children],
    }


@router.get(
    "/plan",
    response={200: PlanList},
    tags=["framework"],
    summary="The plan tree with progress rolled up: the 9 dimensions at the top",
)
def plan(request: HttpRequest):
    items = [_node(node) for node in selectors.plan_tree()]
    return {"items": items, "count": len(items)}
