"""Open data: Ruam's public records as files anyone may download and reuse.

``export_all()`` writes every file anew (``ruam export-open-data``; daily in the worker) into
``RUAM_OPEN_DATA_DIR``: each table as CSV and JSON (the reports' JSON is GeoJSON), gzipped, each
written beside the old one and moved into place when whole, with ``manifest.json`` saying when,
how many rows and how big. ``SCHEMA`` is the one description of every column: the writer
follows it and ``/open-data/`` shows it.

The reports (a million rows and more, each encoded in Python) are written on PostgreSQL by one
process a core (``PROCESSES``), each its range of keys through a connection of its own, all in one
snapshot of the database; each writes its rows as a piece of deflate that this process splices
into one gzip file (``gzip_pieces``), with the CSV's header and the JSON's opening, commas and
closing once. A part that fails replaces no file.

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
import json
import multiprocessing
import os
import queue
import shutil
import signal
import threading
import traceback
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ruam.insights import gzip_pieces
from ruam.insights.gzip_pieces import Deflater, Piece
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
    """Text in, the deflate stream of a gzip file out, encoded and compressed in a thread of its
    own (zlib lets go of the interpreter's lock), so that writing rows and compressing them use
    two cores. Pieces compressed by another process can be spliced in between (``splice``).
    With ``whole`` false it writes only a piece of deflate, for another process to splice in."""

    def __init__(self, path: Path, *, whole: bool = True) -> None:
        self.file = path.open("wb")
        self.is_whole = whole
        if whole:
            # Flushed at once: a process forked later must hold no unwritten bytes of it.
            self.file.write(gzip_pieces.header())
            self.file.flush()
        self.deflater = Deflater(self.file)
        self.whole = Piece()  # what the finished pieces held
        self.queue: queue.Queue[str | tuple[Path, Piece] | None] = queue.Queue(maxsize=8)
        self.failed: BaseException | None = None
        self.thread: threading.Thread | None = None  # started with the first write

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if isinstance(item, str):
                    self.deflater.write(item.encode("utf-8"))
                else:
                    self._splice(*item)
        except BaseException as exc:  # reported by close()
            self.failed = exc
            while self.queue.get() is not None:
                pass

    def _splice(self, path: Path, piece: Piece) -> None:
        self.whole = self.whole.then(self.deflater.end())
        with path.open("rb") as part:
            shutil.copyfileobj(part, self.file, 1 << 20)
        self.whole = self.whole.then(piece)
        self.deflater = Deflater(self.file)

    def _put(self, item) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()
        self.queue.put(item)

    def write(self, text: str) -> None:
        self._put(text)

    def splice(self, path: Path, piece: Piece) -> None:
        """A piece of raw deflate another process wrote into ``path``, after what came before."""
        self._put((path, piece))

    def close(self) -> Piece:
        """Ends the file, or the piece; returns the CRC and length of the text it holds."""
        if self.file.closed:
            return self.whole
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        try:
            if self.failed is not None:
                raise self.failed
            self.whole = self.whole.then(self.deflater.end(last=self.is_whole))
            if self.is_whole:
                self.file.write(gzip_pieces.trailer(self.whole))
            return self.whole
        finally:
            self.file.close()


@dataclass(frozen=True)
class Part:
    """A part of a dataset written by one process: raw deflate, to be spliced into the whole."""

    rows: int
    paths: dict[str, Path]
    pieces: dict[str, Piece]


class Writer:
    """One dataset's CSV and JSON, gzipped, into temporary files moved into place at the end.

    With ``part`` it writes only rows, as pieces of deflate that the whole dataset's writer
    splices in (``splice``) in the order of the parts: the rows of several processes make one
    file, with its header once and the JSON's commas between the parts."""

    BATCH = 5000

    def __init__(
        self, name: str, fields: list[Field], *, geo: bool = False, part: int | None = None
    ) -> None:
        self.name = name
        self.fields = [f.name for f in fields]
        self.kinds = [f.kind for f in fields]
        self.geo = geo
        self.part = part
        folder = directory()
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = {ext: folder / f"{name}.{ext}.gz" for ext in ("csv", "json")}
        if part is None:
            self.temp = {ext: path.with_suffix(".tmp") for ext, path in self.paths.items()}
        else:
            self.temp = {ext: folder / f"{name}.{ext}.part{part}.tmp" for ext in self.paths}
        self.spliced: list[Path] = []
        self.csv_file = _Compressor(self.temp["csv"], whole=part is None)
        self.json_file = _Compressor(self.temp["json"], whole=part is None)
        # Text waits in lists until a batch is handed to the compressors (``flush``): the
        # header, the JSON's opening, then rows (a JSON row an item, the commas added then).
        self.csv_lines: list[str] = []
        self.csv = csv.writer(SimpleNamespace(write=self.csv_lines.append))
        self.json_text = ""
        self.json_items: list[str] = []
        self.rows = 0
        # A row's JSON is its values encoded at once, with NUL between them (a character the
        # encoder never writes otherwise: it escapes control characters in strings), cut there
        # and set into a template holding the keys: the same text as encoding a dict of them,
        # without building one per row.
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=("\0", ": ")).encode
        keys = [json.dumps(f, ensure_ascii=False).replace("%", "%%") for f in self.fields]
        self.template = "{" + ", ".join(f"{key}: %s" for key in keys) + "}"
        if geo:
            self.lat, self.lon = self.fields.index("lat"), self.fields.index("lon")
            self.template = f'{{"type": "Feature", "geometry": %s, "properties": {self.template}}}'
        if part is not None:
            return
        self.csv_lines.append("\ufeff")
        self.csv.writerow(self.fields)
        head = {
            "name": name,
            "licence": settings.RUAM_OPEN_DATA_LICENCE,
            "generated": timezone.localtime().isoformat(timespec="seconds"),
        }
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        key = "features" if geo else "items"
        kind = '"type": "FeatureCollection", ' if geo else ""
        self.json_text = f"{{{kind}{opening[1:]}, {json.dumps(key)}: [\n"

    def add(self, values: list) -> None:
        """One row: ``values`` in the order of the fields, each a string, number, boolean or
        None (written as an empty cell and as null)."""
        self.csv.writerow(values)
        encoded = self.encode(values)[1:-1].split("\0")
        if len(encoded) != len(self.fields):
            raise ValueError(f"{self.name}: {len(self.fields)} values expected, not {values!r}")
        if self.geo:
            lat, lon = encoded[self.lat], encoded[self.lon]
            geometry = (
                "null" if lat == "null" else f'{{"type": "Point", "coordinates": [{lon}, {lat}]}}'
            )
            item = self.template % (geometry, *encoded)
        else:
            item = self.template % tuple(encoded)
        self.json_items.append(item)
        self.rows += 1
        if self.rows % self.BATCH == 0:
            self.flush()

    def flush(self) -> None:
        if self.csv_lines:
            self.csv_file.write("".join(self.csv_lines))
            self.csv_lines.clear()
        if items := self.json_items:
            before = self.rows > len(items)  # rows already written: a comma after the last
            self.json_text += ("," if before else "") + "\n,".join(items) + "\n"
            self.json_items = []
        if self.json_text:
            self.json_file.write(self.json_text)
            self.json_text = ""

    def splice(self, parts: list[Part]) -> None:
        """The rows other processes wrote (``Writer(part=…)``), in order, after those written
        so far; their files are removed when this writer closes or is abandoned."""
        self.spliced.extend(path for part in parts for path in part.paths.values())
        for part in parts:
            if not part.rows:
                continue
            self.flush()
            if self.rows:
                self.json_file.write(",")
            self.csv_file.splice(part.paths["csv"], part.pieces["csv"])
            self.json_file.splice(part.paths["json"], part.pieces["json"])
            self.rows += part.rows

    def abandon(self) -> None:
        for f in (self.csv_file, self.json_file):
            with contextlib.suppress(Exception):  # the files are removed next
                f.close()
        for path in [*self.temp.values(), *self.spliced]:
            path.unlink(missing_ok=True)

    def close(self) -> dict:
        if self.part is not None:
            return self._close_part()
        self.flush()
        self.json_file.write("]}\n")
        try:
            self.csv_file.close()
            self.json_file.close()
        finally:
            for path in self.spliced:
                path.unlink(missing_ok=True)
        for ext, path in self.paths.items():
            os.replace(self.temp[ext], path)
        return {
            "name": self.name,
            "rows": self.rows,
            "files": {ext: path.name for ext, path in self.paths.items()},
            "bytes": {ext: path.stat().st_size for ext, path in self.paths.items()},
        }

    def _close_part(self) -> Part:
        self.flush()
        pieces = {"csv": self.csv_file.close(), "json": self.json_file.close()}
        return Part(self.rows, dict(self.temp), pieces)


def _stream(qs, fields: tuple[str, ...]):
    """The rows of ``qs.values_list(*fields)``, as cheaply as the database gives them: on
    PostgreSQL through a server-side cursor in binary, fetched in batches (psycopg makes each
    batch's rows in C: less work a row than a binary COPY, which hands over one message a row),
    elsewhere the ORM's chunked iterator."""
    from django.db import connection

    values = qs.values_list(*fields)
    if connection.vendor != "postgresql":
        yield from values.iterator(chunk_size=10000)
        return
    sql, params = values.query.sql_with_params()
    sql = connection.ops.compose_sql(sql, params)  # a part's range of keys, written in
    with transaction.atomic():  # a server-side cursor lives in a transaction
        connection.ensure_connection()
        with connection.connection.cursor("ruam_open_data", binary=True) as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(2000):
                yield from rows


REPORT_COLUMNS = (
    "pk", "code", "created", "district_id", "subdistrict_id", "area_id", "channel", "status",
    "status_changed", "deadline", "reopen_count", "rating", "supporter_count",
    "duplicate_of_id", "lat", "lon", "address", "description",
)  # fmt: skip


@dataclass(frozen=True)
class _Names:
    """What the reports' rows refer to, read once before them (and shared by the parts)."""

    districts: dict[str, str]
    subdistricts: dict[str, str]
    categories: dict[int, str]
    areas: dict[int, int]
    labels: dict[str, str]
    sensitive: frozenset[str]
    fixed_at: dict[int, dt.datetime]
    duplicates: dict[int, str]

    @classmethod
    def read(cls) -> _Names:
        from ruam.framework.models import Area, Category
        from ruam.geo.models import District, Subdistrict
        from ruam.insights.cube import _fix_times
        from ruam.reports.models import Report
        from ruam.reports.statuses import Status

        with translation.override("th"):
            labels = {value: str(label) for value, label in Status.choices}
        return cls(
            districts=dict(District.objects.values_list("code", "name_th")),
            subdistricts=dict(Subdistrict.objects.values_list("code", "name_th")),
            categories=dict(Category.objects.values_list("pk", "name_th")),
            areas=dict(Area.objects.values_list("pk", "number")),
            labels=labels,
            sensitive=frozenset(sensitive_categories()),
            fixed_at=_fix_times(Report.objects.filter(status="confirmed")),
            duplicates=dict(  # the reports others duplicate (a semi-join, not a join)
                Report.objects.filter(
                    pk__in=Report.objects.filter(duplicate_of__isnull=False).values("duplicate_of")
                ).values_list("pk", "code")
            ),
        )


def _reports(out: Writer) -> None:
    names = _Names.read()
    ranges = _ranges(_processes())
    if len(ranges) == 1:
        _report_rows(out, names)
        return
    out.splice(_parts(names, ranges))


def _report_rows(out: Writer, names: _Names, low: int | None = None, high: int | None = None):
    """The reports whose key is in [low, high) (all of them by default), in order, into ``out``."""
    from ruam.reports.models import Report

    reports = Report.objects.order_by("pk")
    through = Report.categories.through
    links = through.objects.order_by("report_id", "pk")
    if low is not None:
        reports, links = reports.filter(pk__gte=low), links.filter(report_id__gte=low)
    if high is not None:
        reports, links = reports.filter(pk__lt=high), links.filter(report_id__lt=high)
    districts, subdistricts, categories = names.districts, names.subdistricts, names.categories
    areas, labels, sensitive = names.areas, names.labels, names.sensitive
    fixed_at, duplicates = names.fixed_at, names.duplicates
    zone = _TZ()
    # Every report's categories, read first (one connection streams one query at a time), in
    # two flat arrays ordered by report: 16 bytes a link.
    link_reports, link_categories = array("q"), array("q")
    for report_id, category_id in _stream(links, ("report_id", "category_id")):
        link_reports.append(report_id)
        link_categories.append(category_id)
    at, count = 0, len(link_reports)
    for (
        pk, code, created, district, sub, area, channel, status, changed, deadline, reopened,
        rating, supporters, duplicate_of, lat, lon, address, text,
    ) in _stream(reports, REPORT_COLUMNS):  # fmt: skip
        mine = []
        while at < count and link_reports[at] <= pk:
            if link_reports[at] == pk:
                mine.append(categories.get(link_categories[at], ""))
            at += 1
        first = mine[0] if mine else ""
        rounded = first in sensitive and lat is not None
        if rounded:
            lat, lon, address = round(lat, 2), round(lon, 2), ""
        # Timestamps come as datetimes in UTC; each is written once (a report not moved yet
        # changed when it came in, and the fix is most often the last change itself).
        created_at = created.astimezone(zone).isoformat(timespec="seconds")
        if changed == created:
            changed_at = created_at
        else:
            changed_at = changed.astimezone(zone).isoformat(timespec="seconds")
        fixed = fixed_text = None
        if status in ("finished", "confirmed"):
            fixed = fixed_at.get(pk, changed)
            if fixed <= created:
                fixed = None
            elif fixed is changed:
                fixed_text = changed_at
            else:
                fixed_text = fixed.astimezone(zone).isoformat(timespec="seconds")
        out.add(
            [
                code,
                created_at,
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
                changed_at,
                deadline and deadline.astimezone(zone).isoformat(timespec="seconds"),
                fixed_text,
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


# The reports are written by several processes at once on PostgreSQL, each its range of keys
# through its own connection, where there are cores for them and reports enough to be worth it.
# Elsewhere (SQLite, whose test database lives in one process's memory, or a system that cannot
# fork) parts are written one after another; tests set PROCESSES and SPLIT_FROM to split a few
# reports.
SPLIT_FROM = 50_000
PROCESSES: int | None = None  # None: one a core, up to MAX_PROCESSES
MAX_PROCESSES = 4


def _processes() -> int:
    if PROCESSES is not None:
        return PROCESSES
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_PROCESSES, cores or 1))


def _ranges(parts: int) -> list[tuple[int | None, int | None]]:
    """[low, high) ranges of report keys holding about as many reports each; the first and the
    last are open, so that together they hold every report whatever the keys."""
    from ruam.reports.models import Report

    if parts < 2:
        return [(None, None)]
    total = Report.objects.count()
    parts = min(parts, total)
    if total < SPLIT_FROM or parts < 2:
        return [(None, None)]
    keys = Report.objects.order_by("pk").values_list("pk", flat=True)
    bounds = sorted({keys[total * k // parts] for k in range(1, parts)})
    return list(zip([None, *bounds], [*bounds, None], strict=True))


def _parts(names: _Names, ranges: list[tuple[int | None, int | None]]) -> list[Part]:
    from django.db import connection

    try:
        if (
            connection.vendor != "postgresql"
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return [_write_part(names, k, low, high) for k, (low, high) in enumerate(ranges)]
        return _in_processes(names, ranges)
    except BaseException:
        for k in range(len(ranges)):
            for ext in ("csv", "json"):
                (directory() / f"reports.{ext}.part{k}.tmp").unlink(missing_ok=True)
        raise


def _write_part(names: _Names, part: int, low: int | None, high: int | None) -> Part:
    out = Writer("reports", REPORT_FIELDS, geo=True, part=part)
    try:
        _report_rows(out, names, low, high)
        return out.close()
    except BaseException:
        out.abandon()
        raise


class PartFailed(RuntimeError):
    """A process writing part of the open data failed; no file was replaced."""


def _export_snapshot(cursor) -> str:
    cursor.execute("SELECT pg_export_snapshot()")
    return cursor.fetchone()[0]


def _in_processes(names: _Names, ranges) -> list[Part]:
    """Each range written by a process of its own, forked from this one (so it has the names
    read already and this process's settings), reading through a connection of its own in a
    snapshot of the database this process exported (``pg_export_snapshot``): the parts make
    one moment's data however long they take. The transaction holding the snapshot ends as soon
    as every part has taken it up. The first failure stops the others."""
    from django.db import connection

    context = multiprocessing.get_context("fork")
    running = {}

    def outcome(receive) -> object:
        k, process = running[receive]
        try:
            said, value = receive.recv()
        except EOFError:
            process.join()
            said, value = "failed", f"it stopped (exit code {process.exitcode})"
        if said == "failed":
            raise PartFailed(f"Open data, part {k} of the reports: {value}")
        return value

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            snapshot = _export_snapshot(cursor)
            for k, (low, high) in enumerate(ranges):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(
                    target=_part_process,
                    args=(send, names, k, low, high, snapshot),
                    name=f"ruam-open-data-{k}",
                    daemon=True,
                )
                process.start()
                send.close()
                running[receive] = (k, process)
            for receive in running:
                outcome(receive)  # reading in the snapshot
        parts: dict[int, Part] = {}
        while running:
            for receive in wait(list(running)):
                part = outcome(receive)
                k, process = running.pop(receive)
                receive.close()
                process.join()
                parts[k] = part
        return [parts[k] for k in range(len(ranges))]
    finally:  # on a failure, the others are stopped (their files are removed by _parts)
        for receive, (_k, process) in running.items():
            process.terminate()
            process.join()
            receive.close()


_INHERITED: list = []  # the parent's database connections, in a forked process


def _part_process(send, names: _Names, part: int, low, high, snapshot: str) -> None:
    """In a forked process: one part written, its outcome sent back."""
    from django.db import connection, connections

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the worker's own handlers
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # The parent's connections are its own: never used nor closed here (closing would end its
    # session), only kept from being collected; this process opens its own.
    for inherited in connections.all(initialized_only=True):
        _INHERITED.append(inherited)
        del connections[inherited.alias]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(connection.ops.compose_sql("SET TRANSACTION SNAPSHOT %s", [snapshot]))
            send.send(("reading", None))
            result = ("done", _write_part(names, part, low, high))
    except BaseException as exc:
        result = ("failed", "".join(traceback.format_exception_only(exc)).strip())
    finally:
        connections.close_all()
    send.send(result)
    send.close()


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
            files.append(writer.close())
        except BaseException:
            writer.abandon()
            raise
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
