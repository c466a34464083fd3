"""Keeping the search index in step with reports (and, later, committee issues)."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from ruam.reports.models import Report
from ruam.reports.statuses import is_open
from ruam.search.models import SearchEntry


def _segment(texts: list[str]) -> list[str]:
    from ruam.thai.segment import segmented

    return [segmented(text) for text in texts]


# The columns an entry is written with, in the order entry_rows() gives them.
ENTRY_FIELDS = [
    "kind",
    "object_id",
    "district_id",
    "code",
    "title",
    "words",
    "raw",
    "is_open",
    "created",
]


def entry_rows(reports: list[Report]) -> list[tuple]:
    """The search entries of these reports, as rows of ENTRY_FIELDS ready for the database."""
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    texts = [f"{r.description} {r.address}".strip() for r in reports]
    return [
        (
            SearchEntry.Kind.REPORT.value,
            report.pk,
            report.district_id or "",
            report.code,
            report.summary[:300],
            segmented_text,
            text.lower(),
            is_open(report.status),
            adapt(report.created),
        )
        for report, text, segmented_text in zip(reports, texts, _segment(texts), strict=True)
    ]


@functools.cache
def _entries():
    """Entries are written as COPY (PostgreSQL) or one executemany (SQLite), not bulk_create."""
    from ruam.core.rows import Inserter

    return Inserter(SearchEntry, ENTRY_FIELDS)


def index_reports(reports: Iterable[Report]) -> int:
    """(Re)index these reports: their entries are replaced as a whole."""
    reports = list(reports)
    if not reports:
        return 0
    SearchEntry.objects.filter(
        kind=SearchEntry.Kind.REPORT, object_id__in=[r.pk for r in reports]
    ).delete()
    _entries().insert(entry_rows(reports))
    return len(reports)


def set_report_open(report_id: int, open_now: bool) -> None:
    SearchEntry.objects.filter(kind=SearchEntry.Kind.REPORT, object_id=report_id).update(
        is_open=open_now
    )


def on_report_received(sender, report: Report, **kwargs) -> None:
    index_reports([report])


def on_report_moved(sender, instance: Report, **kwargs) -> None:
    set_report_open(instance.pk, instance.is_open)


FIELDS = ("pk", "code", "description", "address", "district_id", "status", "created")


def _batches(reports, size: int):
    """Reports in primary-key order, a batch at a time (the query runs again for each batch,
    so rows indexed meanwhile are seen)."""
    last = 0
    while batch := list(reports.filter(pk__gt=last).order_by("pk").only(*FIELDS)[:size]):
        yield batch
        last = batch[-1].pk


def reindex_all_reports(batch_size: int = 2000) -> int:
    return sum(index_reports(batch) for batch in _batches(Report.objects.all(), batch_size))


# PostgreSQL's full-text and trigram indexes (see the migration): rebuilt in one go after a
# large load, which is several times faster than maintaining them row by row.
PG_INDEXES = {
    "search_words_gin": "CREATE INDEX search_words_gin ON search_searchentry USING gin (vector)",
    "search_raw_trgm": "CREATE INDEX search_raw_trgm ON search_searchentry "
    "USING gin (raw gin_trgm_ops)",
}
BULK = 20_000


def index_missing_reports(batch_size: int = 2000) -> int:
    """Index every report that has no search entry yet (after an import), in batches."""
    from django.db import connection

    missing = _missing().count()
    postgres = connection.vendor == "postgresql"
    sqlite = connection.vendor == "sqlite"
    bulk = missing >= BULK
    if bulk and (postgres or sqlite):
        with connection.cursor() as cursor:
            for name in PG_INDEXES if postgres else SQLITE_TRIGGERS:
                kind = "INDEX" if postgres else "TRIGGER"
                cursor.execute(f"DROP {kind} IF EXISTS {name}")
    try:
        return _index_missing(batch_size)
    finally:
        # Also after a run that was killed between dropping and building them.
        if postgres:
            build_search_indexes()
            if bulk:
                with connection.cursor() as cursor:
                    # The planner's statistics still describe the table before the load.
                    cursor.execute("ANALYZE search_searchentry")
        elif sqlite:
            rebuild_sqlite_fts()


def _sqlite_triggers() -> dict[str, str]:
    """The triggers that keep SQLite's FTS5 tables in step with the entries, as the first
    migration creates them (one text for both)."""
    initial = importlib.import_module("ruam.search.migrations.0001_initial")
    return {sql.split()[2]: sql for sql in initial.SQLITE if sql.startswith("CREATE TRIGGER")}


SQLITE_TRIGGERS = _sqlite_triggers()
SQLITE_FTS = ("search_words", "search_trigrams")


def rebuild_sqlite_fts() -> list[str]:
    """If any FTS trigger is missing (SQLite): rebuild both FTS5 tables from the entries and
    create the missing triggers, in one transaction, so no write slips between them. A bulk
    load drops the triggers and ends here: FTS5's rebuild is ~5× faster than keeping the
    tables in step row by row (the shared dump: ~12 s against over a minute). Returns the
    triggers created."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(SQLITE_TRIGGERS))
        cursor.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",  # noqa: S608 (placeholders only)
            list(SQLITE_TRIGGERS),
        )
        present = {row[0] for row in cursor.fetchall()}
    wanted = [name for name in SQLITE_TRIGGERS if name not in present]
    if wanted:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in SQLITE_FTS:
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608
            for name in wanted:
                cursor.execute(SQLITE_TRIGGERS[name])
    return wanted


def build_search_indexes() -> list[str]:
    """Build the GIN indexes that are missing (PostgreSQL), side by side on their own
    connections: a GIN index is built by one backend, so two at once use two cores (the
    shared dump: 11 s one after the other). Returns the names built."""
    from django.db import connection

    from ruam.core.rows import Writers

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
            [SearchEntry._meta.db_table, list(PG_INDEXES)],
        )
        present = {row[0] for row in cursor.fetchall()}
    wanted = [name for name in PG_INDEXES if name not in present]

    def build(name: str) -> None:
        with connection.cursor() as cursor:  # the writer thread's own connection
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(PG_INDEXES[name])
            cursor.execute("RESET maintenance_work_mem")

    # One thread each; inside a caller's transaction (whose locks other connections would wait
    # for) they are built here, one after the other.
    with Writers(build, len(wanted)) as writers:
        for name in wanted:
            writers.submit(name)
    return wanted


def _index_missing(batch_size: int) -> int:
    """Entries for the reports without one. On PostgreSQL outside a transaction a writer
    thread COPYs each batch while the next is segmented (the database's share, ~5 s over the
    shared dump, no longer adds to Python's)."""
    from ruam.core.rows import Writers

    done = 0
    with Writers(_entries().insert, 1) as writers:
        for batch in _batches(_missing(), batch_size):
            writers.submit(entry_rows(batch))
            done += len(batch)
    return done


def _missing():
    """Reports without an entry: NOT EXISTS, one index probe a report ("pk NOT IN (every
    entry)" read the whole index again for each batch)."""
    indexed = SearchEntry.objects.filter(kind=SearchEntry.Kind.REPORT, object_id=OuterRef("pk"))
    return Report.objects.filter(~Exists(indexed))


def refresh_open_flags(*, modified_since: float) -> int:
    """Entries of reports whose status changed (by an import) follow them."""
    import datetime as dt

    from ruam.reports.statuses import OPEN

    since = dt.datetime.fromtimestamp(modified_since, tz=dt.UTC)
    changed = Report.objects.filter(modified__gte=since)
    # Only entries whose flag is wrong are written: after a first import every report is
    # "changed", and its entry, made moments ago, is already right.
    n = SearchEntry.objects.filter(
        kind=SearchEntry.Kind.REPORT,
        is_open=False,
        object_id__in=changed.filter(status__in=OPEN).values("pk"),
    ).update(is_open=True)
    return n + SearchEntry.objects.filter(
        kind=SearchEntry.Kind.REPORT,
        is_open=True,
        object_id__in=changed.exclude(status__in=OPEN).values("pk"),
    ).update(is_open=False)
