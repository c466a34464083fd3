"""The reports' open data: a million rows and more, each encoded in Python, written on
PostgreSQL by one process a core (``PROCESSES``), each its range of keys through a connection of
its own, all in one snapshot of the database; each writes its rows as a piece of deflate that
this process splices into one gzip file (``gzip_pieces``). A part that fails replaces no file.
A report whose first category is sensitive has its point rounded and no address; published text
goes through ``redact``."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import traceback
from array import array
from dataclasses import dataclass
from multiprocessing.connection import wait

from django.db import transaction
from django.utils import translation

from ruam.insights.opendata_files import (
    _TZ,
    REPORT_FIELDS,
    Part,
    Writer,
    _stream,
    directory,
    sensitive_categories,
)
from ruam.thai.redact import redact

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
