"""The files of open data: ``SCHEMA`` (every column, described once), the ``Writer`` of one
dataset's CSV and JSON (gzipped, moved into place when whole) and ``_stream``, rows as fast as
the database gives them. ``ruam.insights.opendata`` is the export itself."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import queue
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruam.insights import gzip_pieces
from ruam.insights.gzip_pieces import Deflater, Piece

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
