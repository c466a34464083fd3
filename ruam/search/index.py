"""Keeping the search index in step with reports (and, later, committee issues)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from ruam.reports.models import Report
from ruam.reports.statuses import is_open
from ruam.search.models import SearchEntry


def _segment(texts: list[str]) -> list[str]:
    from ruam.thai.segment import segmented

    return [segmented(text) for text in texts]


def report_entries(reports: list[Report]) -> list[SearchEntry]:
    texts = [f"{r.description} {r.address}".strip() for r in reports]
    words = _segment(texts)
    return [
        SearchEntry(
            kind=SearchEntry.Kind.REPORT,
            object_id=report.pk,
            district_id=report.district_id or "",
            code=report.code,
            title=report.summary[:300],
            words=segmented_text,
            raw=text.lower(),
            is_open=is_open(report.status),
            created=report.created,
        )
        for report, text, segmented_text in zip(reports, texts, words, strict=True)
    ]


def index_reports(reports: Iterable[Report]) -> int:
    """(Re)index these reports: their entries are replaced as a whole."""
    reports = list(reports)
    if not reports:
        return 0
    SearchEntry.objects.filter(
        kind=SearchEntry.Kind.REPORT, object_id__in=[r.pk for r in reports]
    ).delete()
    SearchEntry.objects.bulk_create(report_entries(reports), batch_size=1000)
    return len(reports)


def set_report_open(report_id: int, open_now: bool) -> None:
    SearchEntry.objects.filter(kind=SearchEntry.Kind.REPORT, object_id=report_id).update(
        is_open=open_now
    )


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

    indexed = SearchEntry.objects.filter(kind=SearchEntry.Kind.REPORT, object_id=OuterRef("pk"))
    missing = Report.objects.filter(~Exists(indexed)).count()
    bulk = connection.vendor == "postgresql" and missing >= BULK
    if bulk:
        with connection.cursor() as cursor:
            for name in PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        return _index_missing(batch_size)
    finally:
        if bulk:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '256MB'")
                for sql in PG_INDEXES.values():
                    cursor.execute(sql)
                cursor.execute("RESET maintenance_work_mem")
                # The planner's statistics still describe the table before the load.
                cursor.execute("ANALYZE search_searchentry")


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


def _index_missing(batch_size: int) -> int:
    from django.db import connection

    from ruam.core.rows import Inserter

    # NOT EXISTS, one index probe a report: "pk NOT IN (every entry)" read the whole index
    # again for each batch.
    indexed = SearchEntry.objects.filter(kind=SearchEntry.Kind.REPORT, object_id=OuterRef("pk"))
    entries = Inserter(SearchEntry, ENTRY_FIELDS)
    adapt = connection.ops.adapt_datetimefield_value
    done = 0
    for batch in _batches(Report.objects.filter(~Exists(indexed)), batch_size):
        # Written as COPY (PostgreSQL) or one executemany (SQLite), not through bulk_create.
        rows = [
            (*(getattr(e, name) for name in ENTRY_FIELDS[:-1]), adapt(e.created))
            for e in report_entries(batch)
        ]
        entries.insert(rows)
        done += len(batch)
    return done


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
