"""Committee meetings and actions as JSON: public reading, the same rules as the pages.

No personal contact data: people appear by name and role only where the pages show them.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ruam.core.api_errors import ApiError, declare
from ruam.core.api_schemas import Page
from ruam.core.errors import NOT_FOUND
from ruam.meetings.models import Action, Meeting

router = Router(tags=["committees"])


class AgendaItemOut(Schema):
    section: int
    number: str
    title: str
    issue_id: int | None
    resolutions: list[str]


class MeetingOut(Schema):
    id: int
    body: str
    district_code: str | None
    title: str
    date: dt.datetime
    place: str
    status: str
    agenda: list[AgendaItemOut]


class MeetingList(Schema):
    items: list[MeetingOut]
    count: int


class ActionOut(Schema):
    id: int
    title: str
    owner: str
    due: dt.date
    status: str
    progress: int
    issue_id: int | None
    overdue: bool


class ActionList(Schema):
    items: list[ActionOut]
    count: int


def _meeting(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "body": meeting.body.name_th,
        "district_code": meeting.body.district_id,
        "title": meeting.title,
        "date": meeting.starts_at,
        "place": meeting.place,
        "status": meeting.status,
        "agenda": [
            {
                "section": i.section,
                "number": i.number,
                "title": i.title,
                "issue_id": i.issue_id,
                "resolutions": [r.text for r in i.resolutions.all()],
            }
            for i in meeting.items.all()
        ],
    }


@router.get(
    "/meetings", response={200: MeetingList, **declare(422)}, summary="Meetings with their agenda"
)
def list_meetings(request: HttpRequest, filters: Query[Page]):
    qs = Meeting.objects.select_related("body").prefetch_related("items__resolutions")
    if filters.district:
        qs = qs.filter(body__district_id=filters.district)
    items = qs.order_by("-starts_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return {"items": [_meeting(m) for m in items], "count": qs.count()}


@router.get(
    "/meetings/{pk}", response={200: MeetingOut, **declare(404, 422)}, summary="One meeting"
)
def get_meeting(request: HttpRequest, pk: int):
    meeting = Meeting.objects.select_related("body").filter(pk=pk).first()
    if meeting is None:
        raise ApiError(404, NOT_FOUND)
    return _meeting(meeting)


@router.get(
    "/actions",
    response={200: ActionList, **declare(422)},
    summary="Actions assigned by resolutions",
)
def list_actions(request: HttpRequest, filters: Query[Page], overdue: bool = False):
    qs = Action.objects.select_related("owner")
    if filters.district:
        qs = qs.filter(owner__district_id=filters.district)
    if overdue:
        qs = qs.filter(status__in=["open", "in_progress"], due__lt=dt.date.today())
    items = qs.order_by("due", "pk")[filters.offset : filters.offset + filters.limit]
    return {
        "items": [
            {
                "id": a.pk,
                "title": a.title,
                "owner": a.owner.name_th,
                "due": a.due,
                "status": a.status,
                "progress": a.progress,
                "issue_id": a.issue_id,
                "overdue": a.is_overdue,
            }
            for a in items
        ],
        "count": qs.count(),
    }
