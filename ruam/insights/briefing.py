"""The briefing pack (เอกสารประกอบการประชุม) of a district-group or district committee meeting:
for each district, its figures, its strongest recurring hotspots, its overdue actions and its
programmes' progress; for a group, the districts side by side first. One Thai document, printed
like the invitation and the minutes (``meetings/print/``, ``ruam.printing.pdf``): Buddhist-Era
dates and a text layer that copies out as written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ruam.bodies.models import Body
from ruam.geo.models import District
from ruam.insights.compare import compare_districts
from ruam.insights.metrics import BY_KEY
from ruam.insights.periods import fiscal_year_be, period
from ruam.insights.selectors import place_figures, scope

HOTSPOT_DAYS = 180
SUMMARY = (
    "received",
    "open",
    "fixed_share",
    "median_days",
    "on_time",
    "reopen_rate",
    "rating",
    "backlog_old",
    "actions_overdue",
    "programmes",
)


def districts_of(meeting) -> list[District]:
    """The districts a meeting's pack covers: its group's, or its committee's district."""
    body = meeting.body
    if body.kind == Body.Kind.GROUP_MEETING and body.group_id:
        return list(District.objects.filter(group_id=body.group_id).order_by("code"))
    district = body.district_id or (body.parent.district_id if body.parent_id else None)
    if body.kind in {Body.Kind.COMMITTEE, Body.Kind.WORKING_GROUP} and district:
        return list(District.objects.filter(code=district))
    return []


def meeting_or_404(pk: int):
    from ruam.meetings.models import Meeting

    meeting = get_object_or_404(Meeting.objects.select_related("body", "body__parent"), pk=pk)
    if not districts_of(meeting):
        raise Http404
    return meeting


@dataclass
class Section:
    district: District
    fy: dict
    recent: dict
    hotspots: list[str]
    overdue: list[dict]
    programmes: list[dict]


def _values(figures) -> dict:
    from ruam.insights.metrics import display

    return {key: display(BY_KEY[key].get(figures), BY_KEY[key].kind) for key in SUMMARY}


def overdue_actions(district: str, on: dt.date) -> list[dict]:
    from django.db.models import Q

    from ruam.meetings.models import Action

    qs = (
        Action.objects.filter(status__in=["open", "in_progress"], due__lt=on)
        .filter(
            Q(resolution__item__meeting__body__district_id=district)
            | Q(resolution__item__meeting__body__parent__district_id=district)
            | Q(issue__district_id=district)
            | Q(resolution__isnull=True, issue__isnull=True, owner__district_id=district)
        )
        .select_related("owner")
        .distinct()
        .order_by("due", "pk")
    )
    return [
        {
            "title": a.title,
            "owner": a.owner.name_th,
            "due": a.due,
            "days": (on - a.due).days,
            "progress": a.progress,
        }
        for a in qs[:10]
    ]


def programme_rows(district: str) -> list[dict]:
    from ruam.programmes.selectors import district_progress

    rows = []
    for programme, progress in district_progress(district)[:6]:
        rows.append(
            {
                "name": programme.name_th,
                "unit": programme.unit_th,
                "achieved": progress.achieved,
                "target": progress.target,
                "percent": None if progress.progress is None else round(progress.progress * 100),
            }
        )
    return rows


def hotspot_lines(district: str) -> list[str]:
    from ruam.reports.hotspots import district_hotspots

    since = timezone.now() - dt.timedelta(days=HOTSPOT_DAYS)
    return [h.explain("th") for h in district_hotspots(district, since=since, limit=3)]


def sections(meeting) -> list[Section]:
    on = timezone.localdate()
    out = []
    for district in districts_of(meeting):
        out.append(
            Section(
                district,
                _values(place_figures(scope(district.code, "fy"))),
                _values(place_figures(scope(district.code, "30d"))),
                hotspot_lines(district.code),
                overdue_actions(district.code, on),
                programme_rows(district.code),
            )
        )
    return out


def enclosure(meeting) -> list:
    """The pack as an enclosure of the meeting's invitation (``meetings.documents``)."""
    from ruam.meetings.documents import Enclosure

    if not districts_of(meeting):
        return []
    return [Enclosure("เอกสารประกอบการประชุม", lambda: render(meeting, for_pdf=True))]


def render(meeting, *, for_pdf: bool, request=None, pdf_url: str = "") -> str:
    with translation.override("th"):
        body = meeting.body
        comparison = None
        if body.kind == Body.Kind.GROUP_MEETING:
            from ruam.geo.models import DistrictGroup

            comparison = compare_districts(
                period("fy"), DistrictGroup.objects.get(code=body.group_id), "code"
            )
        context = {
            "meeting": meeting,
            "body": body,
            "number": f"{meeting.number}/{meeting.year}",
            "sections": sections(meeting),
            "comparison": comparison,
            "summary": [(key, BY_KEY[key]) for key in SUMMARY],
            "fiscal_year": fiscal_year_be(timezone.localdate()),
            "made": timezone.now(),
            "for_pdf": for_pdf,
            "pdf_url": pdf_url,
            "back_url": meeting.get_absolute_url(),
            "thai_digits": False,
            "is_draft": False,
        }
        return render_to_string("insights/print/briefing.html", context, request=request)
