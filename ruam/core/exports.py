"""Tables as files: ``?format=csv`` or ``?format=xlsx`` on the page that shows them.

Headers are Thai (the English name in the XLSX's second header row), cells keep their types
(dates as dates, numbers as numbers, shares as numbers formatted as per cent) and the filters
a table was made with are written in the file: above the header in a CSV, in the title rows of
each XLSX sheet. CSV files start with a byte-order mark so that spreadsheet programs read the
Thai as UTF-8. Lists that may be long stream as CSV; an XLSX of more than ``SYNC_ROWS`` rows
is made in the background (``Export``) and its page gives the file when it is ready.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ruam.core.errors import Bilingual, InvalidInput

FORMATS = ("csv", "xlsx")
SYNC_ROWS = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_FORMAT = Bilingual("รูปแบบไฟล์ต้องเป็น csv หรือ xlsx", "The file format must be csv or xlsx.")
BAD_TABLE = Bilingual("ไม่มีตารางชื่อนี้ในหน้านี้", "This page has no table of that name.")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy text: English source, Thai translation
    kind: str = "text"  # text, int, float, share, date, datetime

    @property
    def thai(self) -> str:
        with translation.override("th"):
            return str(self.label)

    @property
    def english(self) -> str:
        with translation.override("en"):
            return str(self.label)


@dataclass
class Table:
    name: str  # the sheet's name and the CSV file's
    title: object  # lazy text
    columns: list[Column]
    rows: Iterable[tuple] = field(default_factory=list)


def requested(request) -> str | None:
    """The format asked for; None for the page itself. Unknown formats are refused."""
    fmt = request.GET.get("format", "")
    if not fmt:
        return None
    if fmt not in FORMATS:
        raise InvalidInput({"format": BAD_FORMAT})
    return fmt


def filters_text(filters: list[tuple[object, object]]) -> str:
    with translation.override("th"):
        return "; ".join(f"{label}: {value}" for label, value in filters) or "ไม่มี"


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "share":
        return f"{value:.4f}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return value


def csv_lines(table: Table, filters: list[tuple[object, object]]) -> Iterator[str]:
    """The CSV text, a line at a time: title, filters, blank line, header, rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    with translation.override("th"):
        yield "\ufeff" + line([str(table.title)])
    yield line(["ตัวกรอง (filters)", filters_text(filters)])
    yield line([])
    yield line([c.thai for c in table.columns])
    kinds = [c.kind for c in table.columns]
    for row in table.rows:
        yield line([_csv_value(v, k) for v, k in zip(row, kinds, strict=True)])


def csv_response(table: Table, filters, stem: str, *, stream: bool = False) -> HttpResponse:
    lines = csv_lines(table, filters)
    if stream:
        response = StreamingHttpResponse(
            (text.encode() for text in lines), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table.name}.csv"'
    return response


NUMBER_FORMATS = {
    "int": "#,##0",
    "float": "#,##0.0",
    "share": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def _xlsx_value(value, kind: str):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str) and value and value[0] in "=+-@":
        return "'" + value  # never a formula from what someone typed
    return value


def write_workbook(
    out, tables: list[Table], filters, *, on_row: Callable[[int], None] | None = None
) -> int:
    """The tables as one workbook (a sheet each) into ``out`` (a path or a file); returns the
    rows written. Written in openpyxl's write-only mode: memory stays flat however long."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    written = 0
    for table in tables:
        sheet = book.create_sheet(title=table.name[:31])
        with translation.override("th"):
            title = str(table.title)
        sheet.append([WriteOnlyCell(sheet, value=title)])
        sheet.append(["ตัวกรอง (filters)", filters_text(filters)])
        sheet.append([""])  # a blank row (an empty list writes no row)
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.thai)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        sheet.append([column.english for column in table.columns])
        formats = [NUMBER_FORMATS.get(c.kind) for c in table.columns]
        kinds = [c.kind for c in table.columns]
        for row in table.rows:
            cells = []
            for value, kind, number_format in zip(row, kinds, formats, strict=True):
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value, kind))
                if number_format and value is not None:
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
            written += 1
            if on_row and written % 10_000 == 0:
                on_row(written)
    book.save(out)
    return written


def xlsx_response(tables: list[Table], filters, stem: str) -> HttpResponse:
    buffer = io.BytesIO()
    write_workbook(buffer, tables, filters)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


def respond(request, tables: list[Table], filters, stem: str) -> HttpResponse | None:
    """The file asked for by ``?format=`` (None: render the page). A CSV is one table, named
    by ``?table=`` (the first by default); an XLSX has them all."""
    fmt = requested(request)
    if fmt is None:
        return None
    if fmt == "xlsx":
        return xlsx_response(tables, filters, stem)
    name = request.GET.get("table") or tables[0].name
    chosen = next((t for t in tables if t.name == name), None)
    if chosen is None:
        raise InvalidInput({"table": BAD_TABLE})
    return csv_response(chosen, filters, stem)


TOO_LONG_FOR_XLSX = Bilingual(
    "รายการยาวเกินกว่าจะทำเป็น XLSX ทันที โปรดใช้ CSV หรือกรองให้แคบลง",
    "This list is too long for an XLSX made at once: download the CSV or narrow the filters.",
)


def list_response(request, table: Table, filters, stem: str, count: int) -> HttpResponse | None:
    """``?format=`` on a list page: the CSV streams, whatever its length; an XLSX is made at
    once up to ``SYNC_ROWS`` rows (past that, the CSV is the way)."""
    fmt = requested(request)
    if fmt is None:
        return None
    if fmt == "csv":
        return csv_response(table, filters, stem, stream=True)
    if count > SYNC_ROWS:
        raise InvalidInput({"format": TOO_LONG_FOR_XLSX})
    return xlsx_response([table], filters, stem)


PERIOD = _("Period")
