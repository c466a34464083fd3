"""Open data: Ruam's public records as files anyone may download and reuse.

``export_all()`` writes every file anew (``ruam export-open-data``; daily in the worker) into
``RUAM_OPEN_DATA_DIR``: each table as CSV and JSON (the reports' JSON is GeoJSON), gzipped, each
written beside the old one and moved into place when whole, with ``manifest.json`` saying when,
how many rows and how big. ``SCHEMA`` is the one description of every column: the writer
follows it and ``/open-data/`` shows it.

Never in these files (PDPA): who reported (account, name, e-mail, telephone, LINE id), consent,
private links, staff notes or any event's note, who acted, comments (hidden or not), names of
people in committees or partners' contact persons. Free text that is published (a report's
description and address, an issue's title and description, an action's title) goes through
``redact``; a report whose first category is sensitive (``RUAM_OPEN_DATA_SENSITIVE_CATEGORIES``)
has its point rounded to 0.01° (about 1 km) and no address.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import json
import os
import queue
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ruam.thai.redact import redact

FORMAT_VERSION = "1"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, integer, number, boolean, datetime, date
    description: object  # lazy text


REPORT_FIELDS = [
    Field("code", "text", _("Tracking code; the report's page is /reports/<code>/")),
    Field("created", "datetime", _("When the report was received (ISO 8601, Bangkok time)")),
    Field("district_code", "text", _("District code (DOPA, 1001–1050)")),
    Field("district", "text", _("District name (Thai)")),
    Field("subdistrict_code", "text", _("Subdistrict (khwaeng) code (DOPA, 6 digits)")),
    Field("subdistrict", "text", _("Subdistrict name (Thai)")),
    Field("category", "text", _("First category (Traffy Fondue's Thai label)")),
    Field("categories", "text", _("All categories, separated by |")),
    Field("area", "integer", _("Area (1–6) of the committees' six areas")),
    Field("channel", "text", _("How it came in: web, api, open311, line, import, assisted")),
    Field("status", "text", _("Status code (see the list of statuses)")),
    Field("status_th", "text", _("Status in Thai")),
    Field("status_changed", "datetime", _("When the status last changed")),
    Field("deadline", "datetime", _("Deadline from the category's routing rule")),
    Field("fixed_at", "datetime", _("When it was marked fixed, if Ruam saw it")),
    Field("days_to_fix", "number", _("Days from received to fixed, if known")),
    Field("reopened", "integer", _("Times residents reopened it")),
    Field("rating", "integer", _("The reporter's rating, 1–5 stars")),
    Field("supporters", "integer", _("Residents who said the problem is theirs too")),
    Field("duplicate_of", "text", _("Tracking code of the report this one duplicates")),
    Field("lat", "number", _("Latitude (WGS 84); rounded to 0.01 for sensitive categories")),
    Field("lon", "number", _("Longitude (WGS 84); rounded to 0.01 for sensitive categories")),
    Field("location_rounded", "boolean", _("Whether the point was rounded")),
    Field("address", "text", _("Address or landmark as given (contact details removed)")),
    Field("description", "text", _("The report's text (contact details removed)")),
]
ISSUE_FIELDS = [
    Field("id", "integer", _("Issue number; its page is /issues/<id>/")),
    Field("district_code", "text", _("District code")),
    Field("body", "text", _("The committee it belongs to (code)")),
    Field("kind", "text", _("development or problem")),
    Field("title", "text", _("Title (contact details removed)")),
    Field("description", "text", _("Description (contact details removed)")),
    Field("area", "integer", _("Area (1–6)")),
    Field("status", "text", _("Stage code")),
    Field("status_th", "text", _("Stage in Thai")),
    Field("source", "text", _("Where it came from: resident, member, hotspot, reports")),
    Field("supporters", "integer", _("Residents supporting it")),
    Field("progress", "integer", _("Progress of its actions (%)")),
    Field("reports", "integer", _("Reports linked to it")),
    Field("created", "datetime", _("When it was raised")),
]
ACTION_FIELDS = [
    Field("id", "integer", _("Action number; its page is /actions/<id>/")),
    Field("title", "text", _("What is to be done (contact details removed)")),
    Field("owner", "text", _("Body responsible (code)")),
    Field("owner_th", "text", _("Body responsible (Thai)")),
    Field("district_code", "text", _("District of the committee that assigned it")),
    Field("issue_id", "integer", _("The committee issue it serves")),
    Field("meeting_id", "integer", _("The meeting whose resolution assigned it")),
    Field("due", "date", _("Due date")),
    Field("status", "text", _("open, in_progress, done or cancelled")),
    Field("progress", "integer", _("Progress reported (%)")),
    Field("done_at", "datetime", _("When it was reported done")),
    Field("overdue", "boolean", _("Past its due date and not done")),
]
PROGRAMME_FIELDS = [
    Field("programme", "text", _("Programme code")),
    Field("name_th", "text", _("Programme name (Thai)")),
    Field("name_en", "text", _("Programme name (English)")),
    Field("unit_th", "text", _("Unit (Thai)")),
    Field("district_code", "text", _("District code; empty for the whole city")),
    Field("target", "number", _("Target")),
    Field("achieved", "number", _("Achieved")),
    Field("progress", "number", _("Progress, 0–1")),
    Field("measured_on", "date", _("Date of the latest figure")),
]
FIGURE_FIELDS = [
    Field("period", "text", _("fy (this fiscal year) or all")),
    Field("district_code", "text", _("District code")),
    Field("district", "text", _("District name (Thai)")),
]  # + one column per figure (insights.metrics), added in SCHEMA below


def _figure_fields() -> list[Field]:
    from ruam.insights.metrics import METRICS

    kinds = {"int": "integer", "share": "number", "days": "number", "stars": "number"}
    return [*FIGURE_FIELDS, *[Field(m.key, kinds[m.kind], m.label) for m in METRICS]]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    fields: list[Field]


SCHEMA = [
    Dataset("reports", _("Residents' reports"), REPORT_FIELDS),
    Dataset("issues", _("Committee issues"), ISSUE_FIELDS),
    Dataset("actions", _("Actions assigned by committee resolutions"), ACTION_FIELDS),
    Dataset("programmes", _("Programme targets and results"), PROGRAMME_FIELDS),
    Dataset("figures", _("District figures"), []),  # fields: _figure_fields()
]
NAMES = [d.name for d in SCHEMA]


def fields_of(dataset: Dataset) -> list[Field]:
    return _figure_fields() if dataset.name == "figures" else dataset.fields


def directory() -> Path:
    return Path(settings.RUAM_OPEN_DATA_DIR)


def sensitive_categories() -> set[str]:
    return set(settings.RUAM_OPEN_DATA_SENSITIVE_CATEGORIES)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(_TZ()).isoformat(timespec="seconds")
    return value.isoformat()


def _TZ():
    return timezone.get_default_timezone()


class _Compressor:
    """Text in, a gzip file out: encoding and compressing in a thread of its own (zlib lets go
    of the interpreter's lock), so that writing a million rows uses both cores."""

    def __init__(self, path: Path) -> None:
        self.file = gzip.GzipFile(path, "wb", compresslevel=1)
        self.queue: queue.Queue[str | None] = queue.Queue(maxsize=8)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (text := self.queue.get()) is not None:
                self.file.write(text.encode("utf-8"))
        except BaseException as exc:  # reported by close()
            self.failed = exc
            while self.queue.get() is not None:
                pass

    def write(self, text: str) -> None:
        self.queue.put(text)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.file.close()
        if self.failed is not None:
            raise self.failed


class Writer:
    """One dataset's CSV and JSON, gzipped, into temporary files moved into place at the end."""

    BATCH = 5000

    def __init__(self, name: str, fields: list[Field], *, geo: bool = False) -> None:
        self.name = name
        self.fields = [f.name for f in fields]
        self.kinds = [f.kind for f in fields]
        self.geo = geo
        folder = directory()
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = {ext: folder / f"{name}.{ext}.gz" for ext in ("csv", "json")}
        self.temp = {ext: path.with_suffix(".tmp") for ext, path in self.paths.items()}
        self.csv_file = _Compressor(self.temp["csv"])
        self.json_file = _Compressor(self.temp["json"])
        self.csv_buffer = io.StringIO()
        self.csv = csv.writer(self.csv_buffer)
        self.json_lines: list[str] = []
        self.csv_buffer.write("\ufeff")
        self.csv.writerow(self.fields)
        self.rows = 0
        head = {
            "name": name,
            "licence": settings.RUAM_OPEN_DATA_LICENCE,
            "generated": timezone.localtime().isoformat(timespec="seconds"),
        }
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        key = "features" if geo else "items"
        kind = '"type": "FeatureCollection", ' if geo else ""
        self.json_lines.append(f"{{{kind}{opening[1:]}, {json.dumps(key)}: [\n")
        self.encode = json.JSONEncoder(ensure_ascii=False).encode

    def add(self, values: list) -> None:
        self.csv.writerow(["" if v is None else v for v in values])
        record = dict(zip(self.fields, values, strict=True))
        if self.geo:
            lat, lon = record["lat"], record["lon"]
            geometry = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
            item = {"type": "Feature", "geometry": geometry, "properties": record}
        else:
            item = record
        self.json_lines.append(("," if self.rows else "") + self.encode(item) + "\n")
        self.rows += 1
        if self.rows % self.BATCH == 0:
            self.flush()

    def flush(self) -> None:
        self.csv_file.write(self.csv_buffer.getvalue())
        self.csv_buffer.seek(0)
        self.csv_buffer.truncate()
        self.json_file.write("".join(self.json_lines))
        self.json_lines = []

    def abandon(self) -> None:
        for f in (self.csv_file, self.json_file):
            with contextlib.suppress(Exception):  # the files are removed next
                f.close()
        for path in self.temp.values():
            path.unlink(missing_ok=True)

    def close(self) -> dict:
        self.json_lines.append("]}\n")
        self.flush()
        self.csv_file.close()
        self.json_file.close()
        for ext, path in self.paths.items():
            os.replace(self.temp[ext], path)
        return {
            "name": self.name,
            "rows": self.rows,
            "files": {ext: path.name for ext, path in self.paths.items()},
            "bytes": {ext: path.stat().st_size for ext, path in self.paths.items()},
        }


def _stream(qs, fields: tuple[str, ...]):
    """The rows of ``qs.values_list(*fields)``, as fast as the database gives them: on
    PostgreSQL a binary COPY of the same query (one stream, no fetch round trips, typed by
    the columns' own types), elsewhere the ORM's chunked iterator."""
    from django.db import connection

    values = qs.values_list(*fields)
    if connection.vendor != "postgresql":
        yield from values.iterator(chunk_size=10000)
        return
    sql, params = values.query.sql_with_params()
    assert not params  # whole tables, ordered: nothing to bind
    model = qs.model
    types = []
    for name in fields:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name.removesuffix("_id"))
        if field.is_relation:
            field = field.target_field
        types.append(field.db_type(connection).split("(")[0].replace(" with time zone", "tz"))
    names = {"double precision": "float8", "bigint": "int8", "integer": "int4", "smallint": "int2"}
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: copy() is not wrapped by Django
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
            copy.set_types([names.get(t, t) for t in types])
            yield from copy.rows()


def _reports(out: Writer) -> None:
    from ruam.framework.models import Area, Category
    from ruam.geo.models import District, Subdistrict
    from ruam.insights.cube import _fix_times
    from ruam.reports.models import Report
    from ruam.reports.statuses import Status

    districts = dict(District.objects.values_list("code", "name_th"))
    subdistricts = dict(Subdistrict.objects.values_list("code", "name_th"))
    categories = dict(Category.objects.values_list("pk", "name_th"))
    areas = dict(Area.objects.values_list("pk", "number"))
    with translation.override("th"):
        labels = {value: str(label) for value, label in Status.choices}
    sensitive = sensitive_categories()
    fixed_at = _fix_times(Report.objects.filter(status="confirmed"))
    duplicates = dict(
        Report.objects.filter(duplicates__isnull=False).values_list("pk", "code").distinct()
    )
    through = Report.categories.through
    # Every report's categories, read first (one connection streams one query at a time), in
    # two flat arrays ordered by report: 16 bytes a link.
    link_reports, link_categories = array("q"), array("q")
    for report_id, category_id in _stream(
        through.objects.order_by("report_id", "pk"), ("report_id", "category_id")
    ):
        link_reports.append(report_id)
        link_categories.append(category_id)
    at, count = 0, len(link_reports)
    fields = (
        "pk", "code", "created", "district_id", "subdistrict_id", "area_id", "channel", "status",
        "status_changed", "deadline", "reopen_count", "rating", "supporter_count",
        "duplicate_of_id", "lat", "lon", "address", "description",
    )  # fmt: skip
    rows = _stream(Report.objects.order_by("pk"), fields)
    for (
        pk, code, created, district, sub, area, channel, status, changed, deadline, reopened,
        rating, supporters, duplicate_of, lat, lon, address, text,
    ) in rows:  # fmt: skip
        mine = []
        while at < count and link_reports[at] <= pk:
            if link_reports[at] == pk:
                mine.append(categories.get(link_categories[at], ""))
            at += 1
        first = mine[0] if mine else ""
        rounded = first in sensitive and lat is not None
        if rounded:
            lat, lon, address = round(lat, 2), round(lon, 2), ""
        fixed = None
        if status in ("finished", "confirmed"):
            fixed = fixed_at.get(pk, changed)
            if fixed <= created:
                fixed = None
        out.add(
            [
                code,
                _iso(created),
                district,
                districts.get(district, ""),
                sub or "",
                subdistricts.get(sub, ""),
                first,
                "|".join(mine),
                areas.get(area),
                channel,
                status,
                labels.get(status, status),
                _iso(changed),
                _iso(deadline),
                _iso(fixed),
                round((fixed - created).total_seconds() / 86400, 2) if fixed else None,
                reopened,
                rating,
                supporters,
                duplicates.get(duplicate_of) if duplicate_of else None,
                lat,
                lon,
                rounded,
                redact(address or ""),
                redact(text or ""),
            ]
        )


def _issues(out: Writer) -> None:
    from django.db.models import Count

    from ruam.issues.models import Issue
    from ruam.issues.statuses import IssueStatus

    with translation.override("th"):
        labels = {value: str(label) for value, label in IssueStatus.choices}
    qs = (
        Issue.objects.select_related("body", "area")
        .annotate(linked=Count("reports"))
        .order_by("pk")
    )
    for issue in qs.iterator(chunk_size=2000):
        out.add(
            [
                issue.pk,
                issue.district_id or "",
                issue.body.code,
                issue.kind,
                redact(issue.title),
                redact(issue.description),
                issue.area.number if issue.area_id else None,
                issue.status,
                labels.get(issue.status, issue.status),
                issue.source,
                issue.support_count,
                issue.progress,
                issue.linked,
                _iso(issue.created),
            ]
        )


def _actions(out: Writer) -> None:
    from ruam.meetings.models import Action

    today = timezone.localdate()
    qs = Action.objects.select_related(
        "owner",
        "issue",
        "resolution__item__meeting__body",
        "resolution__item__meeting__body__parent",
    ).order_by("pk")
    for action in qs.iterator(chunk_size=2000):
        meeting = action.resolution.item.meeting if action.resolution_id else None
        body = meeting.body if meeting else None
        district = (
            (
                (body.district_id or (body.parent.district_id if body.parent_id else None))
                if body
                else None
            )
            or (action.issue.district_id if action.issue_id else None)
            or action.owner.district_id
        )
        out.add(
            [
                action.pk,
                redact(action.title),
                action.owner.code,
                action.owner.name_th,
                district or "",
                action.issue_id,
                meeting.pk if meeting else None,
                _iso(action.due),
                action.status,
                action.progress,
                _iso(action.done_at),
                action.status in ("open", "in_progress") and action.due < today,
            ]
        )


def _programmes(out: Writer) -> None:
    from ruam.programmes.models import Progress

    for row in (
        Progress.objects.select_related("programme")
        .order_by("programme__code", "district_id")
        .iterator(chunk_size=2000)
    ):
        p = row.programme
        out.add(
            [
                p.code,
                p.name_th,
                p.name_en,
                p.unit_th,
                row.district_id or "",
                float(row.target) if row.target is not None else None,
                float(row.achieved) if row.achieved is not None else None,
                row.progress,
                _iso(row.measured_on),
            ]
        )


def _figures(out: Writer) -> None:
    from ruam.geo.models import District
    from ruam.insights.metrics import METRICS
    from ruam.insights.periods import period
    from ruam.insights.selectors import Figures, Filters, figures

    names = dict(District.objects.values_list("code", "name_th"))
    for key in ("fy", "all"):
        per = figures(Filters(period(key)), by_district=True)
        for code in sorted(names):
            f = per.get(code) or Figures()
            out.add([key, code, names[code], *[m.get(f) for m in METRICS]])


WRITERS = {
    "reports": _reports,
    "issues": _issues,
    "actions": _actions,
    "programmes": _programmes,
    "figures": _figures,
}


def export_all() -> dict:
    """Every dataset anew; returns the manifest it wrote."""
    started = timezone.now()
    files = []
    for dataset in SCHEMA:
        writer = Writer(dataset.name, fields_of(dataset), geo=dataset.name == "reports")
        try:
            WRITERS[dataset.name](writer)
        except BaseException:
            writer.abandon()
            raise
        files.append(writer.close())
    manifest = {
        "format_version": FORMAT_VERSION,
        "generated": timezone.localtime(started).isoformat(timespec="seconds"),
        "seconds": round((timezone.now() - started).total_seconds(), 1),
        "licence": settings.RUAM_OPEN_DATA_LICENCE,
        "files": files,
    }
    path = directory() / "manifest.json"
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(temp, path)
    return manifest


def manifest() -> dict | None:
    path = directory() / "manifest.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())


def open_file(name: str, ext: str) -> Path | None:
    if name not in NAMES or ext not in ("csv", "json"):
        return None
    path = directory() / f"{name}.{ext}.gz"
    return path if path.exists() else None


def text_of(name: str, ext: str) -> Iterator[bytes]:
    """A file uncompressed, in pieces (for clients that do not take gzip)."""
    path = open_file(name, ext)
    if path is None:
        return
    with gzip.open(path, "rb") as f:
        while piece := f.read(1 << 16):
            yield piece


def read_text(name: str, ext: str) -> str:
    return b"".join(text_of(name, ext)).decode("utf-8")
