"""What a committee should consider next: agenda suggestions, each with the reason it is there."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from ruam.issues.models import Issue
from ruam.issues.statuses import IssueStatus
from ruam.meetings.models import Action, Attendance, Meeting
from ruam.reports.hotspots import district_hotspots
from ruam.reports.models import Report
from ruam.reports.statuses import OPEN


@dataclass
class Suggestion:
    kind: str  # hotspot | proposal | overdue_action | overdue_reports
    title: str
    reason: str
    score: float
    issue: Issue | None = None
    report_codes: list[str] = field(default_factory=list)


def quorum(meeting: Meeting) -> tuple[int, int]:
    """(members present, members in total) as last recorded: the quorum is not less than half."""
    rows = list(meeting.attendance.filter(is_member=True).values_list("status", flat=True))
    return sum(1 for s in rows if s == Attendance.Status.PRESENT), len(rows)


def has_quorum(meeting: Meeting) -> bool:
    present, total = quorum(meeting)
    return total > 0 and present * 2 >= total


def _en() -> bool:
    return (get_language() or "th").startswith("en")


def agenda_suggestions(
    district_code: str, *, limit: int = 12, meeting: Meeting | None = None
) -> list[Suggestion]:
    """What the committee might take up; with ``meeting``, what is not on its agenda yet."""
    en = _en()
    found: list[Suggestion] = []
    linked = set(
        Report.objects.filter(issues__district_id=district_code).values_list("pk", flat=True)
    )
    for hotspot in district_hotspots(district_code, limit=10):
        if len(set(hotspot.report_ids) & linked) * 2 >= len(hotspot.report_ids):
            continue  # already mostly an issue
        codes = list(
            Report.objects.filter(pk__in=hotspot.report_ids[:30]).values_list("code", flat=True)
        )
        name = hotspot.category.name_en if en else hotspot.category.name_th
        found.append(
            Suggestion(
                "hotspot",
                (f"Recurring {name}" if en else f"{name}ซ้ำซาก"),
                hotspot.explain("en" if en else "th")
                + (" — not yet a committee issue" if en else " และยังไม่เป็นประเด็นของคณะฯ"),
                hotspot.score,
                report_codes=codes,
            )
        )
    proposals = Issue.objects.filter(
        district_id=district_code, status__in=[IssueStatus.PROPOSED, IssueStatus.SCREENING]
    ).order_by("-support_count", "created")[:5]
    for issue in proposals:
        found.append(
            Suggestion(
                "proposal",
                issue.title,
                (
                    f"Proposal supported by {issue.support_count} residents, waiting since "
                    f"{issue.created:%d %b %Y}"
                )
                if en
                else (
                    f"ข้อเสนอที่มีผู้สนับสนุน {issue.support_count} คน รอพิจารณาตั้งแต่ "
                    f"{issue.created.day}/{issue.created.month}/{issue.created.year + 543}"
                ),
                10 + issue.support_count,
                issue=issue,
            )
        )
    today = timezone.localdate()
    overdue = Action.objects.filter(
        issue__district_id=district_code, status__in=["open", "in_progress"], due__lt=today
    ).select_related("issue", "owner")
    for action in overdue:
        days = (today - action.due).days
        found.append(
            Suggestion(
                "overdue_action",
                action.title,
                (
                    f"Action of {action.owner.name_en or action.owner.name_th} is {days} days "
                    f"overdue ({action.progress}% done)"
                )
                if en
                else (
                    f"งานที่มอบหมาย{action.owner.name_th} เกินกำหนด {days} วัน "
                    f"(คืบหน้า {action.progress}%)"
                ),
                20 + days,
                issue=action.issue,
            )
        )
    late = (
        Report.objects.filter(
            district_id=district_code, status__in=OPEN, deadline__lt=timezone.now()
        )
        .values("categories__name_th", "categories__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n")[:3]
    )
    for row in late:
        if not row["categories__name_th"] or row["n"] < 3:
            continue
        name = row["categories__name_en"] if en else row["categories__name_th"]
        found.append(
            Suggestion(
                "overdue_reports",
                (f"Overdue reports: {name}" if en else f"เรื่องแจ้งเกินกำหนด: {name}"),
                (
                    f"{row['n']} open reports of {name} are past their deadline"
                    if en
                    else f"เรื่อง{name}ที่ยังไม่ปิด {row['n']} เรื่องเกินกำหนดแล้ว"
                ),
                row["n"],
            )
        )
    if meeting is not None:
        items = list(meeting.items.values_list("title", "issue_id"))
        titles = {t.strip().lower() for t, _ in items}
        issues = {i for _, i in items if i}
        found = [
            s
            for s in found
            if s.title.strip().lower() not in titles
            and not (s.issue is not None and s.issue.pk in issues)
        ]
    found.sort(key=lambda s: -s.score)
    return found[:limit]
