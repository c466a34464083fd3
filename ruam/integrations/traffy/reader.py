"""Reading Traffy Fondue's public dump: one row → a ``Ticket`` or a ``Rejected``. Pure Python.

The dump is a CSV (RFC 4180, UTF-8, header row), plain or gzipped, with the columns of the public
``bangkok_traffy.csv``: ticket_id, type, organization, comment, photo, photo_after, coords,
address, subdistrict, district, province, timestamp, state, star, count_reopen, last_activity;
extra columns are ignored. ``coords`` is "lon,lat", ``type`` is "{ถนน,ทางเท้า}" or "{}",
``timestamp`` is like "2022-05-29 10:09:47.307077+00" and ``state`` is Thai.

Rows are streamed: a file is never held in memory. The checks here need only the row itself;
whether the point lies in Bangkok and whether a ticket_id came earlier in the run are decided by
the importer, which sees a batch at a time. ``docs/IMPORT.md`` describes every reject reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import math
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

COLUMNS = (
    "ticket_id",
    "type",
    "organization",
    "comment",
    "photo",
    "photo_after",
    "coords",
    "address",
    "subdistrict",
    "district",
    "province",
    "timestamp",
    "state",
    "star",
    "count_reopen",
    "last_activity",
)
# Without these a row cannot become a report; the other columns may be absent from a file.
REQUIRED_COLUMNS = ("ticket_id", "comment", "coords", "timestamp", "state")

# Reject reasons, in the order a row is checked: a row gets the first reason that applies.
MALFORMED_ROW = "malformed_row"
MISSING_TICKET_ID = "missing_ticket_id"
EMPTY_TEXT = "empty_text"
NO_COORDINATES = "no_coordinates"
BAD_COORDINATES = "bad_coordinates"
BAD_TIMESTAMP = "bad_timestamp"
UNKNOWN_STATE = "unknown_state"
OUTSIDE_BANGKOK = "outside_bangkok"  # decided by the importer (locate, per batch)
DUPLICATE_IN_FILE = "duplicate_in_file"  # decided by the importer (ids seen in this run)
REASONS = (
    MALFORMED_ROW,
    MISSING_TICKET_ID,
    EMPTY_TEXT,
    NO_COORDINATES,
    BAD_COORDINATES,
    BAD_TIMESTAMP,
    UNKNOWN_STATE,
    OUTSIDE_BANGKOK,
    DUPLICATE_IN_FILE,
)

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 300
MAX_URL = 500
MAX_TICKET_ID = 64  # Report.external_id
MAX_REOPEN = 32767  # PositiveSmallIntegerField
ELLIPSIS = "…"
CACHED_VALUES = 10_000  # distinct type, province, star and count_reopen values remembered per file
GZIP_MAGIC = b"\x1f\x8b"


class DumpFormatError(Exception):
    """The file as a whole cannot be read: not a CSV, a missing column, broken quoting."""


@dataclass(slots=True)
class Ticket:
    """A row that passed every check the row alone can answer."""

    line: int
    ticket_id: str
    labels: tuple[str, ...]
    description: str
    lon: float
    lat: float
    address: str
    province: str
    created: dt.datetime
    last_activity: dt.datetime | None
    state: str
    status: str
    rating: int | None
    reopen_count: int
    photo_url: str
    after_photo_url: str
    # Warnings: the ticket is imported, with these repairs.
    truncated: bool = False
    dropped_urls: int = 0
    bad_last_activity: bool = False
    # Filled in by the importer (locate): the district and แขวง codes and grid cell of the point.
    district: str = ""
    subdistrict: str | None = None
    cell: int | None = None


@dataclass(slots=True)
class Rejected:
    line: int
    ticket_id: str
    reason: str
    detail: str


# -- fields -----------------------------------------------------------------------------------


def parse_coords(text: str) -> tuple[float, float] | str:
    """ "lon,lat" → (lon, lat); a reason (NO_/BAD_COORDINATES) when it is not that."""
    text = text.strip()
    if not text:
        return NO_COORDINATES
    parts = text.split(",")
    if len(parts) != 2:
        return BAD_COORDINATES
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        return BAD_COORDINATES
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        return BAD_COORDINATES
    return lon, lat


def parse_timestamp(text: str) -> dt.datetime | None:
    """ISO 8601 as PostgreSQL prints it ("2022-05-29 10:09:47.307077+00"); naive means UTC."""
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def parse_labels(text: str) -> list[str]:
    """ "{ถนน,ทางเท้า}" (a PostgreSQL array) or "ถนน,ทางเท้า" → the labels, in order, once each."""
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if not text:
        return []
    labels: list[str] = []
    for part in text.split(","):
        label = part.strip().strip('"').strip()
        if label and label not in labels:
            labels.append(label)
    return labels


def _label_tuple(text: str) -> tuple[str, ...]:
    return tuple(parse_labels(text))


def parse_rating(text: str) -> int | None:
    """star: 1–5, else none."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value in (1, 2, 3, 4, 5) else None


def parse_count(text: str) -> int:
    """count_reopen: a whole number ≥ 0, else 0."""
    text = text.strip()
    if not text:
        return 0
    try:
        value = float(text)
    except ValueError:
        return 0
    if not math.isfinite(value) or value < 0:
        return 0
    return min(int(value), MAX_REOPEN)


def clean_url(text: str) -> tuple[str, bool]:
    """An http(s) URL of at most 500 characters, else "" (and True: a value was dropped)."""
    if not text:
        return "", False
    text = text.strip()
    if not text:
        return "", False
    if (
        len(text) <= MAX_URL
        and text.startswith(("https://", "http://"))
        and " " not in text
        and "\x00" not in text
    ):
        return text, False
    return "", True


def clip(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters: a longer text ends in "…"."""
    if len(text) <= limit:
        return text, False
    return text[: limit - 1].rstrip() + ELLIPSIS, True


def _text(value: str) -> str:
    value = value.strip()
    return value.replace("\x00", "") if "\x00" in value else value


# -- rows -------------------------------------------------------------------------------------


class RowParser:
    """Turns the rows of one file (after its header) into Tickets and Rejecteds."""

    def __init__(self, header: list[str], states: Mapping[str, str]) -> None:
        names = [name.strip() for name in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if missing:
            raise DumpFormatError(f"missing column(s): {', '.join(missing)}")
        self.width = len(names)
        self.states = states
        at = {name: i for i, name in reversed(list(enumerate(names)))}  # the first one wins
        # A column the file lacks reads as "": its index is one past the row, where parse()
        # appends "" to rows of such a file.
        self._pad = any(name not in at for name in COLUMNS)
        self._index = tuple(at.get(name, self.width) for name in COLUMNS)
        # The few distinct values of these columns, parsed once each (bounded: see _cached).
        self._labels: dict[str, tuple[str, ...]] = {}
        self._ratings: dict[str, int | None] = {}
        self._counts: dict[str, int] = {}
        self._provinces: dict[str, str] = {}

    @staticmethod
    def _cached(cache: dict, text: str, parse):
        value = cache.get(text, cache)
        if value is cache:
            value = parse(text)
            if len(cache) < CACHED_VALUES:
                cache[text] = value
        return value

    def parse(self, line: int, row: list[str]) -> Ticket | Rejected:
        (
            i_id,
            i_type,
            _,
            i_comment,
            i_photo,
            i_after,
            i_coords,
            i_address,
            _,
            _,
            i_province,
            i_timestamp,
            i_state,
            i_star,
            i_reopen,
            i_activity,
        ) = self._index
        if len(row) != self.width:
            first = row[i_id].strip()[:MAX_TICKET_ID] if i_id < len(row) else ""
            return Rejected(line, first, MALFORMED_ROW, f"{len(row)} fields, not {self.width}")
        if self._pad:
            row.append("")
        ticket_id = _text(row[i_id])
        if not ticket_id:
            return Rejected(line, "", MISSING_TICKET_ID, "ticket_id is blank")
        if len(ticket_id) > MAX_TICKET_ID:
            return Rejected(
                line,
                ticket_id[:MAX_TICKET_ID],
                MISSING_TICKET_ID,
                f"ticket_id longer than {MAX_TICKET_ID} characters",
            )
        description = _text(row[i_comment])
        if not description:
            return Rejected(line, ticket_id, EMPTY_TEXT, "comment is blank")
        coords = parse_coords(row[i_coords])
        if isinstance(coords, str):
            return Rejected(line, ticket_id, coords, repr(row[i_coords])[:200])
        created = parse_timestamp(row[i_timestamp])
        if created is None:
            return Rejected(line, ticket_id, BAD_TIMESTAMP, repr(row[i_timestamp])[:200])
        state = row[i_state].strip()
        status = self.states.get(state)
        if status is None:
            return Rejected(line, ticket_id, UNKNOWN_STATE, state[:200])

        # Texts within their limits (nearly all) skip clip().
        truncated = len(description) > MAX_DESCRIPTION
        if truncated:
            description, _ = clip(description, MAX_DESCRIPTION)
        address = _text(row[i_address])
        if len(address) > MAX_ADDRESS:
            address, _ = clip(address, MAX_ADDRESS)
        photo, dropped_photo = clean_url(row[i_photo])
        after, dropped_after = clean_url(row[i_after])
        raw_activity = row[i_activity].strip()
        last_activity = parse_timestamp(raw_activity) if raw_activity else None
        cached = self._cached
        return Ticket(
            line,
            ticket_id,
            cached(self._labels, row[i_type], _label_tuple),
            description,
            coords[0],
            coords[1],
            address,
            cached(self._provinces, row[i_province], str.strip),
            created,
            last_activity,
            state,
            status,
            cached(self._ratings, row[i_star], parse_rating),
            cached(self._counts, row[i_reopen], parse_count),
            photo,
            after,
            truncated,
            dropped_photo + dropped_after,
            bool(raw_activity) and last_activity is None,
        )


# -- files ------------------------------------------------------------------------------------


class DumpFile:
    """One dump file, opened for streaming; the header is read on entering.

    ``position()`` is how far into the file reading has come, in bytes of the file as stored
    (compressed bytes for a .gz), for progress against ``size``.

        with DumpFile(path) as dump:
            parser = RowParser(dump.header, states)
            for line, row in dump.rows(): ...
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self.header: list[str] = []
        self._raw: io.BufferedReader | None = None
        self._text: io.TextIOWrapper | None = None
        self._reader = None

    def __enter__(self) -> DumpFile:
        raw = open(self.path, "rb")  # closed in __exit__
        self._raw = raw
        try:
            gzipped = raw.peek(2)[:2] == GZIP_MAGIC
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
            self._reader = csv.reader(self._text)
            self.header = self._guard(lambda: next(self._reader, []))
            if not self.header:
                raise DumpFormatError(f"{self.path}: the file is empty (no header row)")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._text is not None:
            self._text.close()
        if self._raw is not None:
            self._raw.close()

    def position(self) -> int:
        raw = self._raw
        return raw.tell() if raw is not None and not raw.closed else self.size

    def _guard(self, read):
        try:
            return read()
        except csv.Error as exc:
            raise DumpFormatError(f"{self.path}, line {self._reader.line_num}: {exc}") from exc
        except (UnicodeDecodeError, EOFError, OSError, zlib.error) as exc:
            line = self._reader.line_num if self._reader is not None else 0
            raise DumpFormatError(f"{self.path}, near line {line}: {exc}") from exc

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number where the row starts, its fields) for every row after the header.

        Line numbers count physical lines from 1 (the header); blank lines are not rows.
        """
        reader = self._reader
        assert reader is not None, "use DumpFile in a with block"
        start = reader.line_num + 1
        try:
            for row in reader:
                if row:
                    yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise DumpFormatError(f"{self.path}, line {reader.line_num}: {exc}") from exc
        except (UnicodeDecodeError, EOFError, OSError, zlib.error) as exc:
            raise DumpFormatError(f"{self.path}, near line {reader.line_num}: {exc}") from exc


def read_tickets(path: Path | str, states: Mapping[str, str]) -> Iterator[Ticket | Rejected]:
    """Every row of a dump file, parsed (for scripts and tests; the importer batches them)."""
    with DumpFile(path) as dump:
        parser = RowParser(dump.header, states)
        for line, row in dump.rows():
            yield parser.parse(line, row)
