"""Writing planned batches: each batch one transaction, fast on PostgreSQL, safe to repeat.

``BatchWriter.commit`` writes one batch: its new reports, their category links and "created"
events (binary ``COPY`` on PostgreSQL, one ``executemany`` per table elsewhere, through
``ruam.core.rows.Inserter``), and the changes to reports imported before with a "status" event
for each change of status. It may run in several writer threads at once
(``ruam.core.rows.Writers``), each on its own connection.

Three shortcuts, each with its fallback (``docs/IMPORT.md``, "Speed"):

- While no imported report exists, a batch is written without looking its ticket_ids up; the
  unique index refuses one that is there after all, and the batch is written again, looked up
  (and so is every later batch).
- New tracking codes are not looked up: a clash fails the batch on the unique constraint, and
  it is written again with new codes.
- A superuser's batch runs without PostgreSQL's per-row foreign-key triggers and checks the
  rows it refers to itself, once, before it commits (``References``).

``Statistics`` refreshes the planner's statistics of the reports table while a run grows it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable

import numpy as np
from django.db import IntegrityError, connection, transaction

from ruam.core.rows import Inserter
from ruam.integrations.traffy.plan import (
    EVENT_FIELDS,
    EXISTING_FIELDS,
    MOVED_FIELDS,
    REPORT_FIELDS,
    UPDATED_FIELDS,
    Planner,
)
from ruam.integrations.traffy.reader import Ticket
from ruam.integrations.traffy.summary import Counts
from ruam.reports.models import CODE_ALPHABET, CODE_LENGTH, Channel, Report, ReportEvent

# ANALYZE the reports table (PostgreSQL) each time a run has made it this many times bigger
# than when the planner last counted it (from ANALYZE_MIN_ROWS rows).
ANALYZE_GROWTH = 8
ANALYZE_MIN_ROWS = 500
LOOKED_UP = ("channel", "external_id", "code")


class ImportFailed(Exception):
    """The import cannot start or go on (no reference data, an unreadable file, a batch that
    refers to a row that is not there)."""


_ALPHABET = np.frombuffer(CODE_ALPHABET.encode("ascii"), dtype=np.uint8)


def new_codes(n: int) -> list[str]:
    """n random tracking codes in the Report alphabet, unbiased: random bytes at or above the
    largest multiple of the alphabet's size are thrown away before taking the remainder."""
    size = len(CODE_ALPHABET)
    limit = 256 - 256 % size
    need = n * CODE_LENGTH
    picked = np.empty(0, dtype=np.uint8)
    while len(picked) < need:
        data = np.frombuffer(secrets.token_bytes(need - len(picked) + need // 8 + 16), np.uint8)
        picked = np.concatenate([picked, data[data < limit]])
    text = _ALPHABET[picked[:need] % size].tobytes().decode("ascii")
    return [text[i : i + CODE_LENGTH] for i in range(0, need, CODE_LENGTH)]


class BatchWriter:
    """Writes a run's batches, from the calling thread or from writer threads. Set up in the
    calling thread; what belongs to one batch (its References, the codes it tried) is kept
    per thread."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.postgres = connection.vendor == "postgresql"
        self.reports_table = Inserter(
            Report, ["id", *REPORT_FIELDS] if self.postgres else REPORT_FIELDS
        )
        self.events_table = Inserter(ReportEvent, EVENT_FIELDS)
        self.links_table = Inserter(Report.categories.through, ["report_id", "category_id"])
        # Superusers write with PostgreSQL's per-row triggers off and check references per batch.
        self.check_references = self.postgres and _is_superuser()
        # Ticket_ids are looked up before writing unless no imported report is there yet.
        self.look_up = Report.objects.filter(
            channel=Channel.IMPORT, external_id__isnull=False
        ).exists()  # the partial unique index answers this
        # SQLite allows 999 variables in a statement; PostgreSQL has no such limit.
        self.lookup_chunk = min(connection.features.max_query_params or 10_000, 10_000) - 1
        self._local = threading.local()
        self._sequence_literal: str | None = None

    def commit(self, tickets: list[Ticket]) -> Counts:
        """Write one batch in one transaction; only then does it count."""
        # While batches hold only new tickets, a batch is written without looking its
        # ticket_ids up first: the unique (channel, external_id) index refuses one that is
        # there, and the batch is written again, looked up. One found turns look-ups on.
        look_up = self.look_up
        for attempt in range(3):
            try:
                return self._transaction(tickets, look_up)
            except IntegrityError:
                if not look_up:
                    look_up = self.look_up = True
                # A new report's tracking code was taken (see _codes): the same batch again,
                # with new codes. Anything else is a real error.
                elif attempt == 2 or not self._codes_taken():
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _refs(self) -> References | None:
        return getattr(self._local, "references", None)

    def _transaction(self, tickets: list[Ticket], look_up: bool = True) -> Counts:
        """Write the tickets in one transaction. ``look_up=False``: as if none of them were
        there (see commit)."""
        # Settings made in a caller's transaction would outlive the batch: only our own.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if tickets and self.postgres:
                # Don't wait for the WAL flush of each batch: a server crash could lose the last
                # batches committed (never half a batch), which running the import again restores.
                settings = {"synchronous_commit": "off"}
                if self.check_references and outermost:
                    # No foreign-key trigger per row: see References.
                    settings["session_replication_role"] = "replica"
                    self._local.references = References()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                        [value for pair in settings.items() for value in pair],
                    )
            try:
                counts = self._write(tickets, look_up) if tickets else Counts()
                references = self._refs()
                if references is not None:
                    references.check()
            finally:
                self._local.references = None
        return counts

    def _write(self, tickets: list[Ticket], look_up: bool) -> Counts:
        existing = self._existing([t.ticket_id for t in tickets]) if look_up else {}
        new = [t for t in tickets if t.ticket_id not in existing]
        created = self._create(new) if new else 0
        if not existing:
            return Counts(created, events=created)
        changes = self.planner.changes(tickets, existing)
        if changes.changed:
            Report.objects.bulk_update(changes.changed, UPDATED_FIELDS, batch_size=500)
        if changes.moved:
            Report.objects.bulk_update(changes.moved, MOVED_FIELDS, batch_size=500)
        if changes.status_events:
            self.events_table.insert(changes.status_events, self._refs())
        moved = len(changes.status_events)
        return Counts(created, changes.updated, changes.unchanged, created + moved, moved)

    def _create(self, tickets: list[Ticket]) -> int:
        new = self.planner.new_reports(tickets, self._codes(len(tickets)))
        pks = self._new_ids(tickets)
        references = self._refs()
        if pks is None:
            self.reports_table.insert(new.reports, references)
            ids = self._ids([t.ticket_id for t in tickets])
            pks = [ids[t.ticket_id] for t in tickets]
        else:
            self.reports_table.insert(
                [(pk, *row) for pk, row in zip(pks, new.reports, strict=True)], references
            )
            if references is not None:
                references.written(Report._meta.db_table, Report._meta.pk.column, pks)
        self.links_table.insert(
            [
                (pk, category)
                for pk, known in zip(pks, new.category_ids, strict=True)
                for category in known
            ],
            references,
        )
        self.events_table.insert(
            [(pk, *event) for pk, event in zip(pks, new.events, strict=True)], references
        )
        return len(new.reports)

    # -- looking reports up --

    def _select(self, field: str, values: list[str], fields: list[str], imported: bool) -> list:
        """``fields`` of the reports whose ``field`` is one of ``values`` (of imported reports
        only, if ``imported``): one query with an array on PostgreSQL (a list of 2,000
        placeholders costs more to build than to run), chunks of ``IN (…)`` elsewhere."""
        if not values:
            return []
        if self.postgres:
            qn = connection.ops.quote_name
            meta = Report._meta
            columns = ", ".join(qn(meta.get_field(name).column) for name in fields)
            # One text parameter split by the server: sending 2,000 values as an array costs
            # more CPU here than the query does there. Ticket ids and codes have no commas.
            if any("," in value for value in values):
                where, params = f"{qn(meta.get_field(field).column)} = ANY(%s)", [values]
            else:
                column = qn(meta.get_field(field).column)
                where, params = f"{column} = ANY(string_to_array(%s, ','))", [",".join(values)]
            if imported:
                where = f"{qn('channel')} = %s AND {where}"
                params.insert(0, Channel.IMPORT.value)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {where}", params)  # noqa: S608
                return cursor.fetchall()
        rows: list = []
        queryset = Report.objects.filter(channel=Channel.IMPORT) if imported else Report.objects
        for i in range(0, len(values), self.lookup_chunk):
            chunk = values[i : i + self.lookup_chunk]
            rows.extend(queryset.filter(**{f"{field}__in": chunk}).order_by().values_list(*fields))
        return rows

    def _existing(self, ids: list[str]) -> dict[str, tuple]:
        """ticket_id → (pk, status, rating, reopen_count, after-photo URL)."""
        rows = self._select("external_id", ids, ["external_id", *EXISTING_FIELDS], True)
        return {row[0]: row[1:] for row in rows}

    def _ids(self, external_ids: list[str]) -> dict[str, int]:
        return dict(self._select("external_id", external_ids, ["external_id", "id"], True))

    # -- keys and codes of new reports --

    def _codes(self, n: int) -> list[str]:
        """n distinct new tracking codes, not checked against the reports: a clash with one
        (rare, ~2% over 167,000 imports) fails the batch on the unique constraint, and
        ``commit`` writes it again with new codes."""
        codes: dict[str, None] = {}
        while len(codes) < n:
            codes.update(dict.fromkeys(new_codes(n - len(codes))))
        self._local.codes = list(codes)[:n]
        return self._local.codes

    def _codes_taken(self) -> bool:
        """Does a report already have one of the codes the last batch of this thread tried?"""
        codes = getattr(self._local, "codes", None) or []
        return bool(self._select("code", codes, ["code"], False))

    def _sequence(self) -> str:
        """The reports' primary-key sequence, as a quoted SQL literal (PostgreSQL)."""
        if self._sequence_literal is None:
            meta = Report._meta
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [connection.ops.quote_name(meta.db_table), meta.pk.column],
                )
                name = cursor.fetchone()[0]
            self._sequence_literal = "'" + name.replace("'", "''") + "'"
        return self._sequence_literal

    def _new_ids(self, tickets: list[Ticket]) -> list[int] | None:
        """Primary keys for the new reports before they are written (PostgreSQL: from the
        table's sequence, so COPY can include them); None elsewhere."""
        if not self.postgres:
            return None
        # The sequence as a constant: ``pg_get_serial_sequence(…)`` in the query was evaluated
        # once per row (4 ms a batch, against 0.7 ms).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval({self._sequence()}::regclass) FROM generate_series(1, %s)",  # noqa: S608
                [len(tickets)],
            )
            return [row[0] for row in cursor.fetchall()]


class Statistics:
    """The planner's statistics of the reports table, refreshed while a run grows it
    (PostgreSQL): without them PostgreSQL takes a table that grew from nothing for a small
    one, and looks the next batch's ticket_ids up by scanning every imported report (~100 ms
    a batch and rising)."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows_at_start = self.rows_analyzed = self._planner_rows()
        self.created = 0
        self._lock = threading.Lock()

    def grew(self, created: int) -> None:
        """``created`` reports were committed: ANALYZE if the table has grown ANALYZE_GROWTH
        times since the planner last counted it (or since this run started)."""
        if not self.postgres or not created:
            return
        with self._lock:
            self.created += created
            rows = self.rows_at_start + self.created
            if rows < ANALYZE_GROWTH * max(self.rows_analyzed, ANALYZE_MIN_ROWS):
                return
            self.rows_analyzed = rows
        self._analyze()

    def _planner_rows(self) -> int:
        """How many reports the planner's statistics count (PostgreSQL; 0 if never counted)."""
        if not self.postgres:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(Report._meta.db_table)],
            )
            return max(0, int(cursor.fetchone()[0]))

    def _analyze(self) -> None:
        qn = connection.ops.quote_name
        # Only the columns the import looks reports up by: the whole table's statistics cost
        # ten times more (its long texts) and the import does not need them.
        columns = ", ".join(qn(Report._meta.get_field(f).column) for f in LOOKED_UP)
        # A sample of 3,000 rows, not 30,000 (20× faster): enough to see a unique ticket_id in
        # a table of this size. Autovacuum's own ANALYZE, which a big import sets off, takes
        # the full sample later.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('default_statistics_target')")
            target = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('default_statistics_target', '10', true)")
            cursor.execute(f"ANALYZE {qn(Report._meta.db_table)} ({columns})")
            cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [target])


def _is_superuser() -> bool:
    """Only a superuser may turn triggers off for a session; others keep them, row by row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


class References:
    """The rows one batch refers to, checked together before it commits.

    PostgreSQL's foreign-key triggers look up (and lock, FOR KEY SHARE) the referenced row of
    every new row, one at a time: half the database's work in an import. With the triggers off
    for the batch (superusers only, as ``pg_restore --disable-triggers``), this does the same
    for the few distinct rows a batch refers to (50 districts, a few hundred bodies, the
    reports its status events name): one query for them all, the same locks, and a missing row
    fails the batch as the trigger would have. The batch's own new reports are not asked for.
    """

    def __init__(self) -> None:
        self.wanted: dict[tuple[str, str], set] = {}
        self.own: dict[tuple[str, str], set] = {}

    def add(self, table: str, column: str, values: Iterable) -> None:
        wanted = self.wanted.setdefault((table, column), set())
        wanted.update(values)
        wanted.discard(None)

    def written(self, table: str, column: str, values: Iterable) -> None:
        """Rows this transaction wrote: they are there, and no one else sees them to delete."""
        self.own.setdefault((table, column), set()).update(values)

    def check(self) -> None:
        """One query: how many of the rows each table is asked for are there (locked)."""
        qn = connection.ops.quote_name
        asked = [
            (table, column, list(values))
            for (table, column), wanted in self.wanted.items()
            if (values := wanted - self.own.get((table, column), set()))
        ]
        if not asked:
            return
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM {qn(table)} "  # noqa: S608
            f"WHERE {qn(column)} = ANY(%s) FOR KEY SHARE) t)"
            for table, column, _ in asked
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}", [values for _, _, values in asked])
            found = cursor.fetchone()
        for (table, _, values), count in zip(asked, found, strict=True):
            if count != len(values):
                raise ImportFailed(f"A row refers to a {table} row that is not there.")
