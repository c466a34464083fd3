"""Ruam's records as Open311 structures: services, service requests and their updates.

Only public fields are read. The reporter's name, email, phone and account (``contact_*``,
``reporter``) are never touched here, so no Open311 answer can carry them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from ruam.framework.models import Category
from ruam.integrations.open311 import messages as M
from ruam.integrations.open311.formats import absolute, w3
from ruam.reports.models import Report, ReportEvent, ReportPhoto
from ruam.reports.statuses import is_open

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Events that are not updates of the request's handling: the report itself, a resident's
# "this is mine too", the reporter's star rating.
NOT_UPDATES = (ReportEvent.Kind.CREATED, ReportEvent.Kind.SUPPORTED, ReportEvent.Kind.RATED)


def open_or_closed(status: str) -> str:
    return "open" if is_open(status) else "closed"


# -- services ------------------------------------------------------------------------------


def service(category: Category) -> dict:
    area = category.area
    keywords = [category.name_th, category.name_en, area.name_th, area.name_en]
    return {
        "service_code": str(category.pk),
        "service_name": category.name_th,
        "description": f"{category.name_en} / {category.name_th}",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(k for k in keywords if k),
        "group": area.name_en,
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": str(category.pk),
        "attributes": [
            {
                "variable": True,
                "code": "contact_consent",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "true / false",
                "order": 1,
                "description": f"{M.CONSENT_ATTRIBUTE.en} / {M.CONSENT_ATTRIBUTE.th}",
                "values": [
                    {"key": "true", "name": f"{M.CONSENT_YES.en} / {M.CONSENT_YES.th}"},
                    {"key": "false", "name": f"{M.CONSENT_NO.en} / {M.CONSENT_NO.th}"},
                ],
            }
        ],
    }


# -- service requests --------------------------------------------------------------------------


def notice(report: Report) -> str:
    """Who has it, by when, and where to follow it: English, then Thai."""
    en, th = [], []
    body = report.responsible
    if body is not None:
        en.append(f"Sent to {body.name_en or body.name_th}")
        th.append(f"ส่งถึง{body.name_th}")
    if report.deadline is not None:
        due = (w3(report.deadline) or "")[:10]
        en.append(f"due by {due}")
        th.append(f"กำหนดแล้วเสร็จ {due}")
    url = absolute(report.get_absolute_url())
    en.append(f"follow it at {url}")
    th.append(f"ติดตามได้ที่ {url}")
    return "; ".join(en) + " / " + " ".join(th)


def _primary_categories(reports: Sequence[Report]) -> dict[int, Category]:
    """Each report's main category: the one it was routed by (its area is the report's), else
    the first linked. Reports from Open311 have exactly one."""
    areas = {r.pk: r.area_id for r in reports}
    links = (
        Report.categories.through.objects.filter(report_id__in=list(areas))
        .select_related("category")
        .order_by("pk")
    )
    found: dict[int, Category] = {}
    for link in links:
        category, current = link.category, found.get(link.report_id)
        if current is None or (
            current.area_id != areas[link.report_id] and category.area_id == areas[link.report_id]
        ):
            found[link.report_id] = category
    return found


def _status_notes(pks: Sequence[int]) -> dict[int, str]:
    """The note about the current status: the reason given with the last change of status, or
    a staff note written after it."""
    notes: dict[int, str] = {}
    events = (
        ReportEvent.objects.filter(report_id__in=pks)
        .order_by("created", "pk")
        .values_list("report_id", "kind", "to_status", "note")
    )
    for report_id, kind, to_status, note in events:
        if to_status or (kind == ReportEvent.Kind.NOTE and note):
            notes[report_id] = note
    return notes


def _first_photos(pks: Sequence[int]) -> dict[int, str]:
    urls: dict[int, str] = {}
    for photo in ReportPhoto.objects.filter(report_id__in=pks).order_by("created", "pk"):
        if photo.report_id not in urls and photo.image:
            urls[photo.report_id] = absolute(photo.image.url)
    return urls


def service_requests(reports: Sequence[Report]) -> list[dict]:
    """Reports as Open311 service requests (a fixed number of queries for any number)."""
    pks = [r.pk for r in reports]
    categories = _primary_categories(reports)
    notes = _status_notes(pks)
    photos = _first_photos(pks)
    rows = []
    for report in reports:
        category = categories.get(report.pk)
        rows.append(
            {
                "service_request_id": report.code,
                "status": open_or_closed(report.status),
                "status_notes": notes.get(report.pk, ""),
                "service_name": category.name_th if category else "",
                "service_code": str(category.pk) if category else "",
                "description": report.public_description,
                "agency_responsible": report.responsible.name_th if report.responsible else "",
                "service_notice": notice(report),
                "requested_datetime": w3(report.created),
                "updated_datetime": w3(report.status_changed),
                "expected_datetime": w3(report.deadline),
                "address": report.address,
                "address_id": "",
                "zipcode": report.subdistrict.postal_code if report.subdistrict else "",
                "lat": report.lat,
                "long": report.lon,
                "media_url": photos.get(report.pk, ""),
            }
        )
    return rows


# -- updates (mySociety's servicerequestupdates) ---------------------------------------------


def _status_history(report_ids: set[int]) -> dict[int, list[tuple[tuple, str]]]:
    history: dict[int, list[tuple[tuple, str]]] = {}
    moves = (
        ReportEvent.objects.filter(report_id__in=report_ids)
        .exclude(to_status="")
        .order_by("created", "pk")
        .values_list("report_id", "created", "pk", "to_status")
    )
    for report_id, created, pk, to_status in moves:
        history.setdefault(report_id, []).append(((created, pk), to_status))
    return history


def _status_at(history: list[tuple[tuple, str]], event: ReportEvent, fallback: str) -> str:
    """Ruam's status right after ``event``: the last move up to and including it."""
    if event.to_status:
        return event.to_status
    keys = [key for key, _status in history]
    i = bisect.bisect_right(keys, (event.created, event.pk))
    return history[i - 1][1] if i else fallback


def updates(events: Sequence[ReportEvent]) -> list[dict]:
    history = _status_history({e.report_id for e in events})
    rows = []
    for event in events:
        status = _status_at(history.get(event.report_id, []), event, event.report.status)
        photos = [p for p in event.photos.all() if p.image]
        rows.append(
            {
                "update_id": str(event.pk),
                "service_request_id": event.report.code,
                "status": open_or_closed(status),
                "updated_datetime": w3(event.created),
                "description": event.note,
                "media_url": absolute(photos[0].image.url) if photos else "",
                "external_status_code": status,
            }
        )
    return rows
