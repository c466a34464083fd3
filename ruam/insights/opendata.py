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

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from ruam.insights.opendata_files import (  # the public names of open data, here too
    FORMAT_VERSION,
    NAMES,
    SCHEMA,
    Field,
    Writer,
    _iso,
    directory,
    fields_of,
    sensitive_categories,
)
from ruam.insights.opendata_reports import _reports
from ruam.thai.redact import redact

__all__ = [
    "FORMAT_VERSION",
    "NAMES",
    "SCHEMA",
    "WRITERS",
    "Field",
    "directory",
    "export_all",
    "fields_of",
    "manifest",
    "open_file",
    "read_text",
    "sensitive_categories",
    "text_of",
]


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
