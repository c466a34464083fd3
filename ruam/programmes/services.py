"""Every change of a programme's figures: check who may, validate, write, put it on the
timeline, and bring the progress rows up to date, in one transaction.

A figure is never edited: a correction is a new entry and the old one is superseded, both on
the timeline. Targets keep their history as events (from → to).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ruam.bodies.models import Body
from ruam.bodies.predicates import seats
from ruam.core.errors import Bilingual as B
from ruam.core.errors import InvalidInput
from ruam.core.permissions import require
from ruam.core.timeline import Lifecycle, person
from ruam.framework.models import Area
from ruam.geo.locate import locate
from ruam.geo.models import District
from ruam.programmes import progress
from ruam.programmes.models import (
    Measurement,
    MeasurementEvent,
    Programme,
    ProgrammeEvent,
    Target,
    TargetEvent,
)
from ruam.programmes.rules import Place

S = Measurement.Status
MEASUREMENT = Lifecycle(
    model=Measurement,
    event_model=MeasurementEvent,
    subject="measurement",
    moves={S.RECORDED: {S.VERIFIED, S.SUPERSEDED}, S.VERIFIED: {S.SUPERSEDED}},
    refresh=("status", "verified_by_id", "verified_at"),
)

MAX_VALUE = Decimal("99999999999999")
MAX_EVIDENCE = 10 * 1024 * 1024

NOT_STAFF = B(
    "บันทึกผลได้เฉพาะเจ้าหน้าที่ของเขตนั้น (หรือหน่วยงานเจ้าของโครงการ)",
    "Only the district's own staff (or the programme's owning department) can record its figures.",
)
NOT_VERIFIER = B(
    "ตรวจรับรองผลได้เฉพาะหน่วยงานเจ้าของโครงการ หรือเลขานุการคณะขับเคลื่อนของเขต และต้องไม่ใช่ผู้บันทึกเอง",
    "Only the owning department or the district committee's secretary can verify a figure, "
    "and never one they recorded themselves.",
)
NOT_PLANNER = B(
    "กำหนดเป้าหมายได้เฉพาะเจ้าหน้าที่ของกรุงเทพมหานครหรือหน่วยงานเจ้าของโครงการ",
    "Only city staff or the owning department can set targets.",
)
NOT_OFFICER = B(
    "เพิ่มโครงการของเขตได้เฉพาะประธาน รองประธาน และเลขานุการคณะขับเคลื่อนของเขต",
    "Only the district committee's chair, vice chair and secretaries can add its programmes.",
)
COMPUTED = B(
    "ผลของโครงการนี้คำนวณจากเรื่องแจ้ง จึงบันทึกเองไม่ได้",
    "This programme's figures are computed from reports: they cannot be typed.",
)
VALUE_INVALID = B("ค่าต้องเป็นตัวเลขไม่ติดลบ", "The value must be a number, not negative.")
VALUE_TOO_LARGE = B("ค่ามากเกินไป", "The value is too large.")
UNIT_WRONG = "หน่วยต้องเป็น {th} ({en})", "The unit must be {en} ({th})."
DATE_REQUIRED = B("โปรดระบุวันที่ (ปปปป-ดด-วว)", "Please give the date (YYYY-MM-DD).")
DATE_FUTURE = B("วันที่ต้องไม่เกินวันนี้", "The date cannot be in the future.")
DATE_OUTSIDE = (
    "วันที่ต้องอยู่ในช่วงของโครงการ {start} ถึง {end}",
    "The date must be within the programme's period, {start} to {end}.",
)
DISTRICT_UNKNOWN = B("ไม่พบรหัสเขตนี้ (1001–1050)", "Unknown district code (1001–1050).")
DISTRICT_REQUIRED = B("โปรดระบุเขต", "Please give the district.")
DISTRICT_NOT_OWN = B("โครงการนี้เป็นของอีกเขตหนึ่ง", "This programme belongs to another district.")
PLACE_INVALID = B("พิกัดไม่ถูกต้อง", "The coordinates are not valid.")
PLACE_ELSEWHERE = B("พิกัดไม่อยู่ในเขตที่ระบุ", "The point is not in the district given.")
EVIDENCE_TYPE = B(
    "หลักฐานต้องเป็นรูปภาพ (JPEG, PNG, WebP, HEIC) หรือ PDF",
    "Evidence must be a photo (JPEG, PNG, WebP, HEIC) or a PDF.",
)
EVIDENCE_TOO_LARGE = B("ไฟล์หลักฐานใหญ่เกิน 10 MB", "The evidence file is larger than 10 MB.")
EVIDENCE_CORRUPT = B("ไฟล์ PDF เสียหรือไม่สมบูรณ์", "The PDF file is damaged or incomplete.")
ALREADY_SUPERSEDED = B("ผลนี้ถูกแก้ไขไปแล้ว", "This figure has already been corrected.")
YEAR_INVALID = B("ปีงบประมาณต้องเป็น ค.ศ. 2000–2100", "The fiscal year must be 2000–2100 (CE).")
NAME_REQUIRED = B("โปรดตั้งชื่อโครงการ", "Please name the programme.")
UNIT_REQUIRED = B("โปรดระบุหน่วยนับ", "Please give the unit.")
PERIOD_ORDER = B("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม", "The period cannot end before it starts.")
NOT_CITY_PROGRAMME = B(
    "ผูกได้เฉพาะกับโครงการระดับเมือง", "It can count only toward a city-wide programme."
)


def _b(pair: tuple[str, str], **values) -> B:
    return B(pair[0].format(**values), pair[1].format(**values))


def parse_value(raw: Any, errors: dict, field: str = "value") -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[field] = VALUE_INVALID
        return None
    if not value.is_finite() or value < 0:
        errors[field] = VALUE_INVALID
        return None
    if value > MAX_VALUE:
        errors[field] = VALUE_TOO_LARGE
        return None
    return value.quantize(Decimal("0.01"))


def parse_date(raw: Any, errors: dict, field: str = "date") -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors[field] = DATE_REQUIRED
        return None


def _check_unit(programme: Programme, unit: str | None, errors: dict) -> None:
    if unit is None or not unit.strip():
        return
    if unit.strip().casefold() not in {programme.unit_th.casefold(), programme.unit_en.casefold()}:
        errors["unit"] = _b(UNIT_WRONG, th=programme.unit_th, en=programme.unit_en)


def _check_date(programme: Programme, date: dt.date | None, errors: dict) -> None:
    if date is None:
        return
    if date > timezone.localdate():
        errors["date"] = DATE_FUTURE
    elif (programme.starts and date < programme.starts) or (
        programme.ends and date > programme.ends
    ):
        errors["date"] = _b(DATE_OUTSIDE, start=programme.starts or "…", end=programme.ends or "…")


def _check_district(programme: Programme, code: str | None, errors: dict) -> str | None:
    if not code:
        if programme.district_id:
            errors["district"] = DISTRICT_REQUIRED
        return None
    code = str(code).strip()
    if not District.objects.filter(code=code).exists():
        errors["district"] = DISTRICT_UNKNOWN
        return None
    if programme.district_id and programme.district_id != code:
        errors["district"] = DISTRICT_NOT_OWN
    return code


def _check_place(lat: Any, lon: Any, district: str | None, errors: dict):
    if lat in (None, "") and lon in (None, ""):
        return None, None
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        errors["lat"] = PLACE_INVALID
        return None, None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f) and -90 <= lat_f <= 90):
        errors["lat"] = PLACE_INVALID
        return None, None
    found = locate(lat_f, lon_f)
    if district and found.district_code != district:
        errors["lat"] = PLACE_ELSEWHERE
    return lat_f, lon_f


def _evidence(data: bytes | None, errors: dict):
    """(content, thumbnail, content type, extension), or None: a photo is re-encoded without
    its metadata (as reports' photos are), a PDF is kept as sent."""
    if not data:
        return None
    from ruam.reports.photos import PhotoError, process_photo, sniff

    if len(data) > MAX_EVIDENCE:
        errors["evidence"] = EVIDENCE_TOO_LARGE
    elif data[:5] == b"%PDF-":
        if b"%%EOF" not in data[-1024:]:
            errors["evidence"] = EVIDENCE_CORRUPT
        else:
            return data, None, "application/pdf", "pdf"
    elif sniff(data):
        try:
            photo = process_photo(data)
        except PhotoError as exc:
            errors["evidence"] = B(exc.message_th, exc.message_en)
        else:
            return photo.large, photo.thumbnail, photo.content_type, photo.extension
    else:
        errors["evidence"] = EVIDENCE_TYPE
    return None


def acting_body(actor: Any, programme: Programme, district: str | None) -> Body | None:
    """The body a figure is recorded on behalf of: an API key's, or the actor's seat that
    gives the right (the district's office, division or partner; the owning department)."""
    if getattr(actor, "key_hash", None) is not None:
        return getattr(actor, "body", None)
    mine = seats(actor)
    for seat in mine:
        if (
            district
            and seat.district == district
            and seat.kind
            in {
                Body.Kind.DIVISION,
                Body.Kind.DISTRICT_OFFICE,
                Body.Kind.PARTNER,
            }
        ):
            return Body.objects.get(pk=seat.body)
    for seat in mine:
        if seat.body == programme.owner_id:
            return programme.owner
    return None


@transaction.atomic
def record_measurement(
    *,
    actor,
    programme: Programme,
    district_code: str | None,
    date: Any,
    value: Any,
    note: str = "",
    unit: str | None = None,
    lat: Any = None,
    lon: Any = None,
    evidence: bytes | None = None,
    origin: str = Measurement.Origin.WEB,
    corrects: Measurement | None = None,
    refresh: bool = True,
) -> Measurement:
    """A figure achieved in a district (or city-wide, by the owning department)."""
    errors: dict = {}
    if programme.is_computed:
        raise InvalidInput({"programme": COMPUTED})
    district = _check_district(programme, district_code, errors)
    if "district" not in errors:
        require(actor, "programmes.record_measurement", Place(programme, district), NOT_STAFF)
    number = parse_value(value, errors)
    day = parse_date(date, errors)
    _check_unit(programme, unit, errors)
    _check_date(programme, day, errors)
    lat_f, lon_f = _check_place(lat, lon, district, errors)
    note = (note or "").strip()
    if len(note) > 4000:
        note = note[:4000]
    proof = _evidence(evidence, errors)
    if errors:
        raise InvalidInput(errors)
    body = acting_body(actor, programme, district)
    measurement = Measurement(
        programme=programme,
        district_id=district,
        body=body,
        date=day,
        value=number,
        note=note,
        lat=lat_f,
        lon=lon_f,
        origin=origin,
        corrects=corrects,
        recorded_by=person(actor),
    )
    if proof is not None:
        content, thumbnail, content_type, extension = proof
        stamp = f"{timezone.now():%Y%m%d%H%M%S%f}"
        measurement.evidence_type = content_type
        measurement.evidence.save(f"{stamp}.{extension}", ContentFile(content), save=False)
        if thumbnail:
            measurement.thumbnail.save(f"{stamp}-t.jpg", ContentFile(thumbnail), save=False)
    elif corrects is not None and corrects.evidence:
        # The correction of a figure keeps the evidence it was given, unless new is sent.
        measurement.evidence, measurement.thumbnail = corrects.evidence, corrects.thumbnail
        measurement.evidence_type = corrects.evidence_type
    measurement.save()
    kind = (
        MeasurementEvent.Kind.IMPORTED
        if origin == Measurement.Origin.IMPORT
        else MeasurementEvent.Kind.RECORDED
    )
    MEASUREMENT.record(
        measurement,
        kind=kind,
        actor=actor,
        actor_body=body,
        note=f"{number} {programme.unit_th}"
        + (f" (แก้ไขรายการ #{corrects.pk} / corrects #{corrects.pk})" if corrects else ""),
    )
    if refresh:
        progress.refresh(programme, [district])
    return measurement


@transaction.atomic
def verify_measurement(measurement: Measurement, *, actor, note: str = "") -> Measurement:
    require(actor, "programmes.verify_measurement", measurement, NOT_VERIFIER)
    MEASUREMENT.move(
        measurement,
        to=S.VERIFIED,
        kind=MeasurementEvent.Kind.VERIFIED,
        actor=actor,
        note=(note or "").strip(),
        updates={"verified_by": person(actor), "verified_at": lambda now: now},
    )
    progress.refresh(measurement.programme, [measurement.district_id])
    return measurement


@transaction.atomic
def correct_measurement(
    measurement: Measurement, *, actor, value: Any, note: str, date: Any = None, **extra
) -> Measurement:
    """A new entry takes the old one's place; the old one stays, superseded, on the timeline."""
    programme = measurement.programme
    require(
        actor,
        "programmes.record_measurement",
        Place(programme, measurement.district_id),
        NOT_STAFF,
    )
    if not measurement.is_current:
        raise InvalidInput({"measurement": ALREADY_SUPERSEDED})
    new = record_measurement(
        actor=actor,
        programme=programme,
        district_code=measurement.district_id,
        date=date or measurement.date,
        value=value,
        note=note,
        lat=extra.get("lat", measurement.lat),
        lon=extra.get("lon", measurement.lon),
        evidence=extra.get("evidence"),
        origin=extra.get("origin", Measurement.Origin.WEB),
        corrects=measurement,
        refresh=False,
    )
    MEASUREMENT.move(
        measurement,
        to=S.SUPERSEDED,
        kind=MeasurementEvent.Kind.CORRECTED,
        actor=actor,
        note=f"{measurement.value} → {new.value} (#{new.pk}) {note}".strip(),
    )
    progress.refresh(programme, [measurement.district_id])
    return new


@transaction.atomic
def set_target(
    *,
    actor,
    programme: Programme,
    district_code: str,
    year: Any,
    value: Any,
    note: str = "",
    imported: bool = False,
    refresh: bool = True,
) -> Target:
    errors: dict = {}
    district = _check_district(programme, district_code, errors)
    if district is None and "district" not in errors:
        errors["district"] = DISTRICT_REQUIRED
    if "district" not in errors:
        require(actor, "programmes.manage_targets", Place(programme, district), NOT_PLANNER)
    number = parse_value(value, errors, "target")
    try:
        year = int(str(year).strip())
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = YEAR_INVALID
    if errors:
        raise InvalidInput(errors)
    target = Target.objects.filter(programme=programme, district_id=district, year=year).first()
    before = "" if target is None else str(target.value)
    if target is None:
        target = Target(programme=programme, district_id=district, year=year, value=number)
    target.value, target.note, target.is_placeholder = number, (note or "").strip()[:500], False
    target.save()
    TargetEvent.objects.create(
        target=target,
        kind=TargetEvent.Kind.IMPORTED if imported else TargetEvent.Kind.SET,
        actor=person(actor),
        from_status=before,
        to_status=str(number),
        note=target.note,
    )
    if refresh:
        progress.refresh(programme, [district])
    return target


@transaction.atomic
def add_district_programme(
    *,
    actor,
    district: District,
    name_th: str,
    unit_th: str,
    name_en: str = "",
    unit_en: str = "",
    direction: str = Programme.Direction.MORE,
    starts: Any = None,
    ends: Any = None,
    counts_toward: Programme | None = None,
    description: str = "",
) -> Programme:
    """A district committee's own programme, in the sixth area ("ด้านอื่น ๆ ตามบริบทของแต่ละ
    พื้นที่เขต"): the district's, never in city totals unless it counts toward a city one."""
    require(actor, "programmes.add_programme", district, NOT_OFFICER)
    errors: dict = {}
    name_th, unit_th = (name_th or "").strip(), (unit_th or "").strip()
    if not name_th:
        errors["name_th"] = NAME_REQUIRED
    if not unit_th:
        errors["unit_th"] = UNIT_REQUIRED
    start = parse_date(starts, errors, "starts") if starts else None
    end = parse_date(ends, errors, "ends") if ends else None
    if start and end and end < start:
        errors["ends"] = PERIOD_ORDER
    if counts_toward is not None and not counts_toward.in_city_totals:
        errors["counts_toward"] = NOT_CITY_PROGRAMME
    if direction not in Programme.Direction.values:
        direction = Programme.Direction.MORE
    if errors:
        raise InvalidInput(errors)
    number = Programme.objects.filter(district=district).count() + 1
    base = slugify(name_en)[:40] or "programme"
    code = f"d{district.code}-{number}-{base}"
    programme = Programme.objects.create(
        code=code,
        name_th=name_th[:300],
        name_en=(name_en or "").strip()[:300],
        unit_th=unit_th[:100],
        unit_en=(unit_en or "").strip()[:100],
        direction=direction,
        starts=start,
        ends=end,
        district=district,
        counts_toward=counts_toward,
        area=Area.objects.filter(number=6).first(),
        description=(description or "").strip(),
    )
    ProgrammeEvent.objects.create(
        programme=programme,
        kind=ProgrammeEvent.Kind.CREATED,
        actor=person(actor),
        actor_body=Body.objects.filter(code=f"committee-{district.code}").first(),
        note=programme.name_th + (f" → {counts_toward.code}" if counts_toward is not None else ""),
    )
    return programme
