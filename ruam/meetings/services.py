"""Preparing, holding and following up a meeting. Each function checks who may do it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Avg, Max
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.bodies.predicates import seats
from ruam.core.errors import Bilingual as B
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.issues import services as issue_services
from ruam.issues.models import Issue, IssueEvent
from ruam.issues.statuses import IssueStatus
from ruam.meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    Resolution,
    Section,
)
from ruam.reports.statuses import Status as ReportStatus

NOT_OFFICER = B(
    "เฉพาะประธาน รองประธาน และเลขานุการของคณะนี้เท่านั้นที่จัดการประชุมได้",
    "Only this body's chair, vice chair and secretaries can manage its meetings.",
)
NOT_OWNER = B(
    "เฉพาะหน่วยงานที่รับมอบหมายเท่านั้นที่รายงานความคืบหน้าได้",
    "Only the body the action is assigned to can report progress.",
)
WHEN_REQUIRED = B("โปรดระบุวันและเวลาประชุม", "Please give the date and time.")
PLACE_REQUIRED = B("โปรดระบุสถานที่ประชุม", "Please give the place.")
TITLE_REQUIRED = B("โปรดระบุเรื่อง", "Please give a title.")
TEXT_REQUIRED = B("โปรดพิมพ์มติที่ประชุม", "Please write the resolution.")
DUE_REQUIRED = B(
    "โปรดระบุหน่วยงานและกำหนดเสร็จของงาน", "Please give each action an owner and a due date."
)
PROGRESS_INVALID = B("ความคืบหน้าต้องอยู่ระหว่าง 0 ถึง 100", "Progress must be between 0 and 100.")
NOT_HELD = B("ต้องบันทึกการประชุมก่อน", "The meeting must be recorded first.")
QUORUM_MISSING = B("องค์ประชุมไม่ครบ", "The meeting has no quorum.")

OFFICERS = {Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY, Role.ASSISTANT_SECRETARY}
# The bodies that hold meetings: district committees, their working groups, and the
# district-group committees that escalated issues go to.
MEETING_KINDS = {Body.Kind.COMMITTEE, Body.Kind.WORKING_GROUP, Body.Kind.GROUP_MEETING}


def can_manage(actor, body: Body) -> bool:
    """Officers of the body itself, or of the committee a working group belongs to."""
    if not getattr(actor, "is_authenticated", False):
        return False
    mine = {(seat.body, seat.role) for seat in seats(actor)}
    bodies = {body.pk} | ({body.parent_id} if body.parent_id else set())
    return any((pk, role) in mine for pk in bodies for role in OFFICERS)


def _require_officer(actor, body: Body) -> None:
    if not can_manage(actor, body):
        raise NotAllowed(NOT_OFFICER)


def _be_year(when: dt.datetime) -> int:
    return timezone.localtime(when).year + 543


@transaction.atomic
def schedule_meeting(
    *, actor, body: Body, starts_at: dt.datetime | None, place: str, title: str = ""
) -> Meeting:
    _require_officer(actor, body)
    errors = {}
    if starts_at is None:
        errors["starts_at"] = WHEN_REQUIRED
    if not (place or "").strip():
        errors["place"] = PLACE_REQUIRED
    if errors:
        raise InvalidInput(errors)
    year = _be_year(starts_at)
    number = (Meeting.objects.filter(body=body, year=year).aggregate(n=Max("number"))["n"] or 0) + 1
    previous = (
        Meeting.objects.filter(body=body, starts_at__lt=starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    meeting = Meeting.objects.create(
        body=body,
        number=number,
        year=year,
        starts_at=starts_at,
        place=place.strip(),
        title=title.strip() or f"การประชุม{body.name_th} ครั้งที่ {number}/{year}",
        previous=previous,
    )
    if previous is not None:
        AgendaItem.objects.create(
            meeting=meeting,
            section=Section.PREVIOUS_MINUTES,
            order=1,
            title=f"รับรองรายงานการประชุม ครั้งที่ {previous.number}/{previous.year}",
        )
    return meeting


@transaction.atomic
def invite_members(meeting: Meeting, *, actor, with_officials: bool = True) -> int:
    """Invite the body's current members and, for a district committee, its district office."""
    _require_officer(actor, meeting.body)
    existing = set(meeting.invitations.values_list("person_id", flat=True))
    made = 0
    memberships = list(meeting.body.current_memberships())
    if with_officials and meeting.body.district_id:
        from ruam.bodies.models import Membership

        memberships += list(
            Membership.objects.current()
            .filter(
                body__district_id=meeting.body.district_id,
                body__kind__in=[Body.Kind.DISTRICT_OFFICE, Body.Kind.DIVISION],
                role__in=[Role.DIRECTOR, Role.ASSISTANT_DIRECTOR, Role.HEAD],
            )
            .select_related("person", "body")
        )
    for m in memberships:
        if m.person_id in existing:
            continue
        existing.add(m.person_id)
        member = m.body_id == meeting.body_id
        Invitation.objects.create(
            meeting=meeting,
            person=m.person,
            name=str(m.person),
            role=m.title_th or f"{m.get_role_display()} {'' if member else m.body.name_th}".strip(),
            group=Invitation.Group.MEMBER if member else Invitation.Group.OFFICIAL,
        )
        made += 1
    return made


@transaction.atomic
def add_item(
    meeting: Meeting,
    *,
    actor,
    section: int,
    title: str = "",
    description: str = "",
    issue: Issue | None = None,
) -> AgendaItem:
    """Put a matter on the agenda; an issue put there becomes บรรจุวาระ."""
    _require_officer(actor, meeting.body)
    title = (title or (issue.title if issue else "")).strip()
    if not title:
        raise InvalidInput({"title": TITLE_REQUIRED})
    order = (meeting.items.filter(section=section).aggregate(n=Max("order"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        section=section,
        order=order,
        title=title[:300],
        description=description,
        issue=issue,
    )
    waiting = {IssueStatus.PROPOSED, IssueStatus.SCREENING, IssueStatus.ESCALATED}
    if issue is not None and issue.status in waiting:
        issue_services.change_status(
            issue,
            actor=actor,
            to=IssueStatus.ON_AGENDA,
            meeting_id=meeting.pk,
            note=f"บรรจุวาระ {meeting.title} ระเบียบวาระที่ {item.number}",
        )
    return item


@transaction.atomic
def record_attendance(meeting: Meeting, *, actor, entries: Iterable[dict]) -> tuple[int, int]:
    """Entries: {"name", "role", "status", "person" (optional), "is_member"}; replaces the list."""
    _require_officer(actor, meeting.body)
    meeting.attendance.all().delete()
    for entry in entries:
        Attendance.objects.create(meeting=meeting, **entry)
    return quorum(meeting)


def quorum(meeting: Meeting) -> tuple[int, int]:
    """(members present, members in total): the quorum is not less than half."""
    rows = list(meeting.attendance.filter(is_member=True).values_list("status", flat=True))
    return sum(1 for s in rows if s == Attendance.Status.PRESENT), len(rows)


def has_quorum(meeting: Meeting) -> bool:
    present, total = quorum(meeting)
    return total > 0 and present * 2 >= total


@transaction.atomic
def record_minutes(item: AgendaItem, *, actor, minutes: str) -> None:
    _require_officer(actor, item.meeting.body)
    item.minutes = minutes.strip()
    item.save(update_fields=["minutes"])
    if item.issue_id:
        issue_services.record_event(
            item.issue,
            IssueEvent.Kind.DISCUSSED,
            actor,
            meeting_id=item.meeting_id,
            note=f"{item.meeting.title} ระเบียบวาระที่ {item.number}",
        )


@transaction.atomic
def resolve(
    item: AgendaItem,
    *,
    actor,
    text: str,
    issue_status: str | None = None,
    actions: Iterable[dict] = (),
) -> Resolution:
    """มติที่ประชุม: may move the item's issue and assign actions (title, owner, due)."""
    meeting = item.meeting
    _require_officer(actor, meeting.body)
    text = (text or "").strip()
    actions = list(actions)
    errors = {}
    if not text:
        errors["text"] = TEXT_REQUIRED
    if any(not a.get("owner") or not a.get("due") or not a.get("title") for a in actions):
        errors["actions"] = DUE_REQUIRED
    if errors:
        raise InvalidInput(errors)
    resolution = Resolution.objects.create(item=item, text=text)
    issue = item.issue
    if issue is not None:
        issue_services.record_event(
            issue, IssueEvent.Kind.RESOLUTION, actor, meeting_id=meeting.pk, note=text
        )
        target = issue_status or (
            IssueStatus.RESOLVED if issue.status == IssueStatus.ON_AGENDA else None
        )
        if target and target != issue.status:
            issue_services.change_status(
                issue, actor=actor, to=target, meeting_id=meeting.pk, note=text
            )
    for spec in actions:
        action = Action.objects.create(
            resolution=resolution,
            issue=issue,
            title=spec["title"][:300],
            owner=spec["owner"],
            due=spec["due"],
        )
        if issue is not None:
            issue_services.record_event(
                issue,
                IssueEvent.Kind.ACTION,
                actor,
                action_id=action.pk,
                meeting_id=meeting.pk,
                note=f"{action.title} → {action.owner.name_th} ({action.due:%Y-%m-%d})",
            )
    if issue is not None and actions and issue.status == IssueStatus.RESOLVED:
        issue_services.change_status(
            issue, actor=actor, to=IssueStatus.IN_PROGRESS, meeting_id=meeting.pk, note=text
        )
    return resolution


@transaction.atomic
def hold(meeting: Meeting, *, actor, approve_previous: bool = True) -> Meeting:
    """The meeting took place: with a quorum, its minutes are kept; it approves the previous."""
    _require_officer(actor, meeting.body)
    if not has_quorum(meeting):
        raise InvalidInput({"attendance": QUORUM_MISSING})
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    if approve_previous and meeting.previous_id:
        Meeting.objects.filter(pk=meeting.previous_id, minutes_approved__isnull=True).update(
            minutes_approved=timezone.now()
        )
    return meeting


def can_update_action(actor, action: Action) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if any(seat.body in {action.owner_id, action.owner.parent_id} for seat in seats(actor)):
        return True
    return bool(action.owner.district_id) and actor.has_perm(
        "ruam.update_actions", action.owner.district_id
    )


@transaction.atomic
def update_action(action: Action, *, actor, progress: int, note: str = "") -> ActionUpdate:
    if not can_update_action(actor, action):
        raise NotAllowed(NOT_OWNER)
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise InvalidInput({"progress": PROGRESS_INVALID}) from None
    if not 0 <= progress <= 100:
        raise InvalidInput({"progress": PROGRESS_INVALID})
    update = ActionUpdate.objects.create(
        action=action, author=actor, note=note.strip(), progress=progress
    )
    action.progress = progress
    if progress == 100:
        action.status, action.done_at = Action.Status.DONE, timezone.now()
    elif progress > 0:
        action.status = Action.Status.IN_PROGRESS
    action.save(update_fields=["progress", "status", "done_at"])
    if action.issue_id:
        issue_services.record_event(
            action.issue,
            IssueEvent.Kind.ACTION_PROGRESS,
            actor,
            action_id=action.pk,
            note=f"{action.title}: {progress}% {note}".strip(),
        )
        roll_up(action.issue, actor=actor)
    return update


def roll_up(issue: Issue, *, actor=None) -> int:
    """An issue's progress: its actions' mean progress, with the share of its linked reports
    already fixed counting as one more action; all done → the issue is done."""
    actions = issue.actions.exclude(status=Action.Status.CANCELLED)
    parts = [actions.aggregate(p=Avg("progress"))["p"]] if actions.exists() else []
    reports = issue.reports.all()
    if reports.exists():
        fixed = reports.filter(status__in=[ReportStatus.FINISHED, ReportStatus.CONFIRMED]).count()
        parts.append(100 * fixed / reports.count())
    progress = round(sum(parts) / len(parts)) if parts else 0
    Issue.objects.filter(pk=issue.pk).update(progress=progress)
    issue.progress = progress
    all_done = actions.exists() and not actions.exclude(status=Action.Status.DONE).exists()
    if all_done and issue.status == IssueStatus.IN_PROGRESS and actor is not None:
        # The official's last update completes the committee's issue: the same move a member
        # makes, through the same lifecycle table, timeline and notices.
        issue_services.move(
            issue,
            actor=actor,
            to=IssueStatus.DONE,
            note="งานที่มอบหมายเสร็จครบ / all assigned actions done",
        )
    return progress


INVITEE_REQUIRED = B("โปรดระบุชื่อหรือหน่วยงานที่เชิญ", "Please give the name or body invited.")


@transaction.atomic
def invite(
    meeting: Meeting,
    *,
    actor,
    name: str,
    role: str = "",
    group: str = "guest",
    body: Body | None = None,
) -> Invitation:
    """Invite a central department (by its body) or a guest by name."""
    _require_officer(actor, meeting.body)
    name = (name or (body.name_th if body else "")).strip()[:200]
    if not name:
        raise InvalidInput({"name": INVITEE_REQUIRED})
    if group not in Invitation.Group.values:
        group = Invitation.Group.GUEST
    return Invitation.objects.create(
        meeting=meeting, name=name, role=role.strip()[:200], group=group
    )
