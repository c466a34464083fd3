"""Keeping the tallies (``insights.models``) in step with the reports.

Three ways, all through ``Tallies``, which turns report rows into tally rows:

- ``rebuild()`` reads every report once and writes every tally anew (``ruam rebuild-insights``,
  and the end of a Traffy import, which sends no per-report signals);
- ``recount(district, day)`` rewrites the rows of one district and one day (or one month, for
  days before the horizon): queued by a report's move (``transitioned``), to run after the
  change commits; a new report is counted by the worker as it receives it (``report_received``,
  sent once intake has committed), without a task of its own;
- ``refresh()`` (daily, in the worker): folds the days that fell behind the horizon into their
  month and recounts the cells of reports whose timeline grew without a move (a rating).

Days are Bangkok days. Rows for days before ``horizon()`` — the first of the month a little
over 30 days ago — are kept per month: every period a page offers (the last 30 days, the fiscal
quarter, the fiscal year, everything) then sums whole rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django_tasks import task

from ruam.core import queue
from ruam.core.refcache import ttl_cache
from ruam.core.rows import Inserter
from ruam.insights.models import (
    FIX_EDGES,
    MEASURES,
    DistrictTally,
    HexTally,
    HexTotal,
    ReportTally,
)

log = logging.getLogger(__name__)

MODELS = (DistrictTally, ReportTally, HexTally, HexTotal)

DAILY_DAYS = 35
H3_RESOLUTION = 8
FIXED = frozenset({"finished", "confirmed"})
OPEN = frozenset({"waiting", "coordinating", "in_progress", "forwarded", "invited", "reopened"})
# The report columns a tally needs, in this order.
FIELDS = (
    "pk",
    "created",
    "district_id",
    "subdistrict_id",
    "area_id",
    "channel",
    "status",
    "status_changed",
    "deadline",
    "reopen_count",
    "rating",
    "lat",
    "lon",
)
_STATUS = FIELDS.index("status")
_I = {name: i for i, name in enumerate(MEASURES)}
_HIST = _I["h0"]
_DAY = 86400.0


def today() -> dt.date:
    return timezone.localdate()


def horizon(on: dt.date | None = None) -> dt.date:
    """The first day kept day by day; earlier days are kept per month."""
    return ((on or today()) - dt.timedelta(days=DAILY_DAYS)).replace(day=1)


def bucket(day: dt.date, edge: dt.date) -> dt.date:
    return day if day >= edge else day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def span(day: dt.date, edge: dt.date) -> tuple[dt.date, dt.date]:
    """The days a tally row of ``day`` covers: itself, or its month."""
    first = bucket(day, edge)
    return (first, first + dt.timedelta(days=1)) if first >= edge else (first, next_month(first))


def fix_bucket(days: float) -> int:
    for i, edge in enumerate(FIX_EDGES):
        if days < edge:
            return i
    return len(FIX_EDGES)


@functools.cache
def _h3():
    import h3.api.basic_int as h3

    return h3


class Tallies:
    """Report rows in, tally rows out (see the module docstring)."""

    def __init__(self, edge: dt.date) -> None:
        self.edge = edge
        self.tz = timezone.get_current_timezone()
        self.district: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
        self.fine: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
        self.hex: dict[tuple, int] = defaultdict(int)
        self.hex_total: dict[tuple, int] = defaultdict(int)
        self.reports = 0

    def add(self, row: tuple, category: int, area: int, fixed_at: dt.datetime | None) -> None:
        (
            _pk,
            created,
            district,
            subdistrict,
            _area,
            channel,
            status,
            changed,
            deadline,
            reopen_count,
            rating,
            lat,
            lon,
        ) = row
        day = bucket(created.astimezone(self.tz).date(), self.edge)
        subdistrict = subdistrict or ""
        a = self.district[(day, district, status)]
        b = self.fine[(day, district, subdistrict, category, area, channel, status)]
        for m in (a, b):
            m[0] += 1
        if reopen_count:
            a[1] += 1
            b[1] += 1
        if rating:
            a[2] += 1
            b[2] += 1
            a[3] += rating
            b[3] += rating
        if status in FIXED:
            fixed = fixed_at or changed
            seconds = (fixed - created).total_seconds()
            # A fix is known only when Ruam saw it: a ticket imported as already finished carries
            # no time of its fix (its last change is its report's own time).
            if seconds > 0:
                slot = _HIST + fix_bucket(seconds / _DAY)
                whole = int(seconds)
                for m in (a, b):
                    m[4] += 1
                    m[7] += whole
                    m[slot] += 1
                if deadline is not None:
                    a[5] += 1
                    b[5] += 1
                    if fixed <= deadline:
                        a[6] += 1
                        b[6] += 1
        if lat is not None and lon is not None:
            cell = _h3().latlng_to_cell(lat, lon, H3_RESOLUTION)
            is_open = status in OPEN
            self.hex[(day, district, subdistrict, category, cell, is_open)] += 1
            self.hex_total[(day, district, cell, is_open)] += 1
        self.reports += 1

    def write(self) -> int:
        adapt = connection.ops.adapt_datefield_value
        district = _inserter(DistrictTally, ("day", "district", "status", *MEASURES))
        district.insert(
            [(adapt(k[0]), k[1], k[2], *m) for k, m in self.district.items()],
        )
        fine = _inserter(
            ReportTally,
            ("day", "district", "subdistrict", "category", "area", "channel", "status", *MEASURES),
        )
        fine.insert([(adapt(k[0]), *k[1:], *m) for k, m in self.fine.items()])
        hexes = _inserter(
            HexTally, ("day", "district", "subdistrict", "category", "hex", "is_open", "received")
        )
        hexes.insert([(adapt(k[0]), *k[1:], n) for k, n in self.hex.items()])
        totals = _inserter(HexTotal, ("day", "district", "hex", "is_open", "received"))
        totals.insert([(adapt(k[0]), *k[1:], n) for k, n in self.hex_total.items()])
        return len(self.district) + len(self.fine) + len(self.hex) + len(self.hex_total)


@functools.cache
def _inserter(model, fields: tuple[str, ...]) -> Inserter:
    return Inserter(model, list(fields))


def _report_model():
    from ruam.reports.models import Report

    return Report


@ttl_cache(60)
def _areas() -> dict[int, int]:
    """Each category's area (reference data: read once a minute, not on every recount)."""
    from ruam.framework.models import Category

    return dict(Category.objects.values_list("pk", "area_id"))


def _first_categories(report_ids: Iterable[int] | None) -> dict[int, int]:
    """Each report's first category (the one it was routed by): the link made first."""
    through = _report_model().categories.through
    qs = through.objects.order_by("pk")
    if report_ids is not None:
        qs = qs.filter(report_id__in=list(report_ids))
    first: dict[int, int] = {}
    for report_id, category_id in qs.values_list("report_id", "category_id").iterator(
        chunk_size=20000
    ):
        first.setdefault(report_id, category_id)
    return first


def _fix_times(reports) -> dict[int, dt.datetime]:
    """When confirmed reports were fixed: their last move to "finished" (confirming is later)."""
    from ruam.reports.models import ReportEvent

    return dict(
        ReportEvent.objects.filter(to_status="finished", report__in=reports)
        .order_by()
        .values("report_id")
        .annotate(at=Max("created"))
        .values_list("report_id", "at")
    )


def _tally(tallies: Tallies, reports) -> None:
    """Count ``reports`` (a recount's: one district's day or month) into ``tallies``: their
    rows and first categories read in one query."""
    links = _report_model().categories.through.objects.filter(report_id=OuterRef("pk"))
    first = Subquery(links.order_by("pk").values("category_id")[:1])
    rows = []
    firsts: dict[int, int] = {}
    for *row, category in reports.order_by().annotate(first=first).values_list(*FIELDS, "first"):
        rows.append(tuple(row))
        if category is not None:
            firsts[row[0]] = category
    _count(tallies, rows, firsts, reports)


def _count(tallies: Tallies, rows: Iterable[tuple], firsts: dict[int, int], reports) -> None:
    areas = _areas()
    if isinstance(rows, list) and not any(row[_STATUS] == "confirmed" for row in rows):
        fixed = {}  # a recount of reports none of which is confirmed (a new report's day)
    else:
        fixed = _fix_times(reports.filter(status="confirmed"))
    for row in rows:
        category = firsts.get(row[0], 0)
        area = row[4] or areas.get(category) or 0
        tallies.add(row, category, area, fixed.get(row[0]))


def rebuild() -> int:
    """Every tally anew from every report. Returns the number of reports counted."""
    Report = _report_model()
    edge = horizon()
    tallies = Tallies(edge)
    reports = Report.objects.all()
    firsts = _first_categories(None)
    rows = reports.order_by().values_list(*FIELDS).iterator(chunk_size=20000)
    _count(tallies, rows, firsts, reports)
    with transaction.atomic():
        for model in MODELS:
            model.objects.all().delete()
        tallies.write()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return tallies.reports


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(last, dt.time.min, tzinfo=tz),
    )


@functools.cache
def _delete_sql(model) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    return f"DELETE FROM {table} WHERE district = %s AND day >= %s AND day < %s"  # noqa: S608


def _delete_rows(district: str, first: dt.date, last: dt.date) -> None:
    """The tally rows of a district from ``first`` up to ``last``: plain statements, built once
    (the ORM's deletes cost a recount more than its counting)."""
    adapt = connection.ops.adapt_datefield_value
    params = [district, adapt(first), adapt(last)]
    with connection.cursor() as cursor:
        for model in MODELS:
            cursor.execute(_delete_sql(model), params)


def recount_now(district: str, day: dt.date) -> int:
    """Rewrite the tally rows of one district for the day (or month) that holds ``day``."""
    from ruam.geo.models import District

    edge = horizon()
    first, last = span(day, edge)
    start, end = _bounds(first, last)
    Report = _report_model()
    tallies = Tallies(edge)
    with transaction.atomic():
        # One recount of a district at a time: two at once would each write the same rows.
        list(District.objects.select_for_update().filter(code=district).values_list("pk"))
        _delete_rows(district, first, last)
        _tally(
            tallies,
            Report.objects.filter(district_id=district, created__gte=start, created__lt=end),
        )
        tallies.write()
    return tallies.reports


@task()
def recount(district: str, day: str) -> int:
    return recount_now(district, dt.date.fromisoformat(day))


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def queue_recount(report) -> None:
    """In the caller's transaction: recount the report's cell once the change commits."""
    if report.district_id and report.created:
        queue.after_commit(recount, report.district_id, local_day(report.created).isoformat())


def on_report_moved(sender, instance, event, **kwargs) -> None:
    queue_recount(instance)


def on_report_received(sender, report, **kwargs) -> None:
    """A new report, in the worker: its intake has committed, so its cell is recounted here
    (a task of its own cost the worker more than the recount). Should that fail, the recount
    is queued instead and the report's other work goes on."""
    if not (report.district_id and report.created):
        return
    try:
        recount_now(report.district_id, local_day(report.created))
    except (InterfaceError, OperationalError):
        raise  # the database is away: the worker waits for it and runs the whole task again
    except Exception:
        log.exception("recounting the cell of report %s failed: queued", report.pk)
        queue_recount(report)


def refresh(*, since: dt.datetime | None = None) -> int:
    """The daily work: months that fell behind the horizon folded from days into one row per
    key, and the cells of reports with timeline events since ``since`` (default: the last 26
    hours) recounted — a rating is recorded without a move. Returns the cells recounted."""
    from ruam.reports.models import ReportEvent

    edge = horizon()
    cells: set[tuple[str, dt.date]] = set()
    for model in MODELS:
        for district, day in (
            model.objects.filter(day__lt=edge)
            .exclude(day__day=1)
            .values_list("district", "day")
            .distinct()
        ):
            cells.add((district, day.replace(day=1)))
    since = since or timezone.now() - dt.timedelta(hours=26)
    for district, created in (
        ReportEvent.objects.filter(created__gte=since)
        .values_list("report__district_id", "report__created")
        .distinct()
    ):
        if district:
            first, _ = span(local_day(created), edge)
            cells.add((district, first))
    for district, day in sorted(cells):
        recount_now(district, day)
    return len(cells)
