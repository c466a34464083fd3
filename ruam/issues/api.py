"""Committee issues as JSON: public reading, the same rules as the pages.

No personal contact data: the proposer never appears, nor any supporter or commenter.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ruam.core.api_errors import ApiError, declare
from ruam.core.api_schemas import Page
from ruam.core.errors import NOT_FOUND
from ruam.issues.models import Issue
from ruam.issues.statuses import IssueStatus

router = Router(tags=["committees"])


class IssueFilters(Page):
    status: IssueStatus | None = None


class IssueOut(Schema):
    id: int
    district_code: str | None
    body: str
    kind: str
    title: str
    description: str
    status: str
    area_number: int | None
    support_count: int
    progress: int
    report_codes: list[str]
    created: dt.datetime


class IssueList(Schema):
    items: list[IssueOut]
    count: int


def _issue(issue: Issue) -> dict:
    return {
        "id": issue.pk,
        "district_code": issue.district_id,
        "body": issue.body.name_th,
        "kind": issue.kind,
        "title": issue.title,
        "description": issue.description,
        "status": issue.status,
        "area_number": issue.area.number if issue.area else None,
        "support_count": issue.support_count,
        "progress": issue.progress,
        "report_codes": [r.code for r in issue.reports.all()],
        "created": issue.created,
    }


# Operation ids as published before these endpoints had a module of their own: clients
# generated from the OpenAPI document keep working.
@router.get(
    "/issues",
    response={200: IssueList, **declare(422)},
    summary="Committee issues",
    operation_id="ruam_meetings_api_list_issues",
)
def list_issues(request: HttpRequest, filters: Query[IssueFilters]):
    qs = Issue.objects.select_related("body", "area").prefetch_related("reports")
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items = qs.order_by("-created", "-pk")[filters.offset : filters.offset + filters.limit]
    return {"items": [_issue(i) for i in items], "count": qs.count()}


@router.get(
    "/issues/{pk}",
    response={200: IssueOut, **declare(404, 422)},
    summary="One issue",
    operation_id="ruam_meetings_api_get_issue",
)
def get_issue(request: HttpRequest, pk: int):
    issue = Issue.objects.select_related("body", "area").filter(pk=pk).first()
    if issue is None:
        raise ApiError(404, NOT_FOUND)
    return _issue(issue)
