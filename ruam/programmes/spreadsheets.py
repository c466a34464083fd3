"""Targets and measurements from the spreadsheets districts keep (CSV or XLSX), and back.

A file is one transaction: every row goes through the same service a page uses, every row's
problems are listed (row number as the spreadsheet shows it, column, Thai and English), and if
any row is wrong nothing at all is written. Exports have the same columns, so a file exported
can be edited and imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from ruam.core.errors import Bilingual as B
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.programmes import progress, services
from ruam.programmes.models import Measurement, Programme, Target

COLUMNS = {
    "measurements": [
        "programme_code",
        "district_code",
        "date",
        "value",
        "unit",
        "note",
        "lat",
        "lon",
    ],
    "targets": ["programme_code", "district_code", "year", "target", "note"],
}
REQUIRED = {
    "measurements": ["programme_code", "district_code", "date", "value"],
    "targets": ["programme_code", "district_code", "year", "target"],
}
# A service's field → the column it comes from.
FIELD_COLUMN = {
    "district": "district_code",
    "programme": "programme_code",
    "evidence": "note",
    "measurement": "value",
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

UNREADABLE = B(
    "อ่านไฟล์ไม่ได้: ต้องเป็น CSV (UTF-8) หรือ XLSX",
    "The file cannot be read: it must be CSV (UTF-8) or XLSX.",
)
TOO_BIG = B(
    f"ไฟล์ใหญ่เกินไป (ไม่เกิน {MAX_BYTES // (1024 * 1024)} MB และ {MAX_ROWS:,} แถว)",
    f"The file is too large (at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows).",
)
EMPTY = B("ไฟล์ไม่มีข้อมูล", "The file has no rows.")
MISSING_COLUMN = "ไม่มีคอลัมน์ {column}", "The column {column} is missing."
PROGRAMME_UNKNOWN = B("ไม่พบรหัสโครงการนี้", "Unknown programme code.")
OTHER_DISTRICT = "ไฟล์นี้นำเข้าได้เฉพาะเขต {code}", "This file can hold only district {code}."
REQUIRED_CELL = B("ต้องกรอกช่องนี้", "This cell is required.")


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: B

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "message_th": self.message.th,
            "message_en": self.message.en,
        }


@dataclass
class ImportResult:
    written: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data: bytes) -> list[list[str]]:
    """The file's rows as text cells, header first. XLSX by its signature, else CSV."""
    if len(data) > MAX_BYTES:
        raise InvalidInput({"file": TOO_BIG})
    try:
        if data[:4] == b"PK\x03\x04":
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        else:
            text = data.decode("utf-8-sig")
            rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    except Exception:  # any reader's failure is the same answer to the person: unreadable
        raise InvalidInput({"file": UNREADABLE}) from None
    rows = [row for row in rows if any(row)]
    if len(rows) > MAX_ROWS + 1:
        raise InvalidInput({"file": TOO_BIG})
    if len(rows) < 2:
        raise InvalidInput({"file": EMPTY})
    return rows


def _records(kind: str, rows: list[list[str]]) -> Iterable[tuple[int, dict[str, str]]]:
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise InvalidInput(
            {"file": B(*(m.format(column=", ".join(missing)) for m in MISSING_COLUMN))}
        )
    for number, row in enumerate(rows[1:], start=2):
        yield number, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}


def import_file(*, actor, kind: str, data: bytes, district: str | None = None) -> ImportResult:
    """All rows or none. ``district``: the page's district; a row for another is an error."""
    if kind not in COLUMNS:
        raise ValueError(kind)
    rows = read_rows(data)
    result = ImportResult()
    touched: dict[int, set[str]] = defaultdict(set)
    programmes = {p.code: p for p in Programme.objects.all()}
    with transaction.atomic():
        for number, record in _records(kind, rows):
            errors = _row(kind, actor, record, programmes, district, touched)
            result.errors += [RowError(number, column, message) for column, message in errors]
            result.written += not errors
        if result.errors:
            transaction.set_rollback(True)
            result.written = 0
            return result
        for programme_id, districts in touched.items():
            progress.refresh(Programme.objects.get(pk=programme_id), districts)
    return result


def _row(kind, actor, record, programmes, district, touched) -> list[tuple[str, B]]:
    empty = [c for c in REQUIRED[kind] if not record.get(c)]
    if empty:
        return [(c, REQUIRED_CELL) for c in empty]
    programme = programmes.get(record["programme_code"])
    if programme is None:
        return [("programme_code", PROGRAMME_UNKNOWN)]
    if district and record["district_code"] != district:
        return [("district_code", B(*(m.format(code=district) for m in OTHER_DISTRICT)))]
    try:
        with transaction.atomic():
            if kind == "targets":
                services.set_target(
                    actor=actor,
                    programme=programme,
                    district_code=record["district_code"],
                    year=record["year"],
                    value=record["target"],
                    note=record.get("note", ""),
                    imported=True,
                    refresh=False,
                )
            else:
                services.record_measurement(
                    actor=actor,
                    programme=programme,
                    district_code=record["district_code"],
                    date=record["date"],
                    value=record["value"],
                    unit=record.get("unit") or None,
                    note=record.get("note", ""),
                    lat=record.get("lat") or None,
                    lon=record.get("lon") or None,
                    origin=Measurement.Origin.IMPORT,
                    refresh=False,
                )
    except InvalidInput as exc:
        return [(FIELD_COLUMN.get(f, f), message) for f, message in exc.errors.items()]
    except NotAllowed as exc:
        return [("district_code", exc.message)]
    touched[programme.pk].add(record["district_code"])
    return []


def _safe(text: str) -> str:
    """A note that a spreadsheet would run as a formula is written as text."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def export_rows(kind: str, *, district: str | None = None, programme: Programme | None = None):
    """The rows of an export: the header, then targets, or the current (not superseded)
    measurements; no personal data (who recorded a figure is not in it)."""
    yield COLUMNS[kind]
    if kind == "targets":
        qs = Target.objects.select_related("programme").order_by(
            "programme__code", "district_id", "year"
        )
        if district:
            qs = qs.filter(district_id=district)
        if programme:
            qs = qs.filter(programme=programme)
        for t in qs:
            yield [t.programme.code, t.district_id, t.year, t.value, _safe(t.note)]
        return
    qs = (
        Measurement.objects.filter(status__in=progress.CURRENT, district__isnull=False)
        .select_related("programme")
        .order_by("programme__code", "district_id", "date", "pk")
    )
    if district:
        qs = qs.filter(district_id=district)
    if programme:
        qs = qs.filter(programme=programme)
    for m in qs:
        yield [
            m.programme.code,
            m.district_id,
            m.date.isoformat(),
            m.value,
            m.programme.unit_th,
            _safe(m.note),
            "" if m.lat is None else m.lat,
            "" if m.lon is None else m.lon,
        ]


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("ruam")
    for row in rows:
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
