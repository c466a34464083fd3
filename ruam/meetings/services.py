"""Preparing, holding and following up a meeting. Each function checks who may do it
(``meetings.rules``) and writes the meeting's, the action's or the issue's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Avg, Max
from django.utils import timezone

from ruam.bodies.models import Body, Membership, Role
from ruam.core.errors import Bilingual as B
from ruam.core.errors import InvalidInput
from ruam.core.permissions import require
from ruam.core.timeline import Lifecycle
from ruam.issues import services as issue_services
from ruam.issues.models import Issue, IssueEvent
from ruam.issues.statuses import IssueStatus
from ruam.meetings.models import (
    Action,
    ActionEvent,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingEvent,
    Resolution,
    Section,
)
from ruam.meetings.rules import Tabled
from ruam.meetings.selectors import has_quorum, quorum
from ruam.reports.statuses import Status as ReportStatus

NOT_OFFICER = B(
    "เฉพาะประธาน รองประธาน และเลขานุการของคณะนี้เท่านั้นที่จัดการประชุมได้",
    "Only this body's chair, vice chair and secretaries can manage its meetings.",
)
NOT_OWNER = B(
    "เฉพาะหน่วยงานที่รับมอบหมายเท่านั้นที่รายงานความคืบหน้าได้",
    "Only the body the action is assigned to can report progress.",
)
ISSUE_ELSEWHERE = B(
    "ประเด็นนี้ไม่ได้อยู่ในความรับผิดชอบของคณะนี้ จึงบรรจุวาระไม่ได้",
    "This issue is not before this body, so it cannot go on its agenda.",
)
OWNER_ELSEWHERE = B(
    "มอบหมายงานได้เฉพาะหน่วยงานในเขต (หรือกลุ่มเขต) ของคณะนี้ หรือสำนักของกรุงเทพมหานคร",
    "Actions can go only to bodies of this body's district (or district group), or to a "
    "central department.",
)
WHEN_REQUIRED = B("โปรดระบุวันและเวลาประชุม", "Please give the date and time.")
PLACE_REQUIRED = B("โปรดระบุสถานที่ประชุม", "Please give the place.")
TITLE_REQUIRED = B("โปรดระบุเรื่อง", "Please give a title.")
TEXT_REQUIRED = B("โปรดพิมพ์มติที่ประชุม", "Please write the resolution.")
DUE_REQUIRED = B(
    "โปรดระบุหน่วยงานและกำหนดเสร็จของงาน", "Please give each action an owner and a due date."
)
PROGRESS_INVALID = B("ความคืบหน้าต้องอยู่ระหว่าง 0 ถึง 100", "Progress must be between 0 and 100.")
QUORUM_MISSING = B("องค์ประชุมไม่ครบ", "The meeting has no quorum.")
INVITEE_REQUIRED = B("โปรดระบุชื่อหรือหน่วยงานที่เชิญ", "Please give the name or body invited.")
ALREADY_ON_AGENDA = B("เรื่องนี้อยู่ในวาระแล้ว", "This is already on the agenda.")
NOT_STARTED = B(
    "ยังไม่ถึงเวลาประชุม: บันทึกว่าประชุมแล้วได้เมื่อถึงเวลาเริ่มประชุม",
    "The meeting has not started yet: it can be recorded as held once it has begun.",
)


def _without_minutes(numbers: list[str]) -> B:
    listed = ", ".join(numbers)
    return B(
        f"ระเบียบวาระ {listed} ยังไม่มีบันทึกการประชุม: บันทึกก่อนปิดบันทึกการประชุม",
        f"Agenda item {listed} has no minutes yet: record them before closing the record.",
    )


# The bodies that hold meetings: district committees, their working groups, and the
# district-group committees that escalated issues go to.
MEETING_KINDS = {Body.Kind.COMMITTEE, Body.Kind.WORKING_GROUP, Body.Kind.GROUP_MEETING}

MEETING = Lifecycle(
    model=Meeting,
    event_model=MeetingEvent,
    subject="meeting",
    moves={Meeting.Status.PLANNED: {Meeting.Status.HELD, Meeting.Status.CANCELLED}},
)
# An action's status follows its progress: any progress starts it, 100% finishes it, and a
# finished action reported below 100% is in progress again.
A = Action.Status
ACTION = Lifecycle(
    model=Action,
    event_model=ActionEvent,
    subject="action",
    moves={
        A.OPEN: {A.OPEN, A.IN_PROGRESS, A.DONE},
        A.IN_PROGRESS: {A.IN_PROGRESS, A.DONE},
        A.DONE: {A.DONE, A.IN_PROGRESS},
    },
    refresh=("status", "progress", "done_at"),
)


def _require_officer(actor, body: Body) -> None:
    require(actor, "meetings.manage_meetings", body, NOT_OFFICER)


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
    MEETING.record(
        meeting, kind=MeetingEvent.Kind.SCHEDULED, actor=actor, actor_body=body, note=meeting.title
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
    if made:
        MEETING.record(
            meeting,
            kind=MeetingEvent.Kind.INVITED,
            actor=actor,
            note=f"เชิญ {made} คน / {made} invited",
        )
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
    """Put a matter on the agenda; an issue put there becomes บรรจุวาระ. Only an issue before
    this body may go on its agenda."""
    _require_officer(actor, meeting.body)
    if issue is not None:
        require(actor, "meetings.table_issue", Tabled(meeting, issue), ISSUE_ELSEWHERE)
    title = (title or (issue.title if issue else "")).strip()
    if not title:
        raise InvalidInput({"title": TITLE_REQUIRED})
    # One matter once: a suggestion's card sent twice, or its issue picked again from the list.
    on_agenda = meeting.items.filter(title__iexact=title[:300])
    if issue is not None:
        on_agenda = on_agenda | meeting.items.filter(issue=issue)
    if on_agenda.exists():
        raise InvalidInput({"title": ALREADY_ON_AGENDA})
    order = (meeting.items.filter(section=section).aggregate(n=Max("order"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        section=section,
        order=order,
        title=title[:300],
        description=description,
        issue=issue,
    )
    MEETING.record(
        meeting,
        kind=MeetingEvent.Kind.ITEM_ADDED,
        actor=actor,
        note=f"{item.number} {item.title}",
        event_fields={"item": item},
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
    """Entries: {"name", "role", "status", "person" (optional), "is_member"}. The new list
    takes the place of the last one, which is kept (marked replaced) as the meeting's history."""
    _require_officer(actor, meeting.body)
    now = timezone.now()
    replaced = meeting.attendance.update(replaced=now)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, **entry) for entry in entries])
    present, total = quorum(meeting)
    MEETING.record(
        meeting,
        kind=MeetingEvent.Kind.ATTENDANCE,
        actor=actor,
        note=f"มาประชุม {present}/{total} / present {present} of {total}"
        + (f" (แทนรายชื่อเดิม {replaced} รายการ / replaces {replaced} entries)" if replaced else ""),
    )
    return present, total


@transaction.atomic
def record_minutes(item: AgendaItem, *, actor, minutes: str) -> None:
    """The minutes of an agenda item; each revision is kept on the meeting's timeline."""
    _require_officer(actor, item.meeting.body)
    minutes = minutes.strip()
    if minutes == item.minutes:
        return
    item.minutes = minutes
    item.save(update_fields=["minutes"])
    MEETING.record(
        item.meeting,
        kind=MeetingEvent.Kind.MINUTES,
        actor=actor,
        note=minutes,
        event_fields={"item": item},
    )
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
    """มติที่ประชุม: may move the item's issue and assign actions (title, owner, due). Actions
    go only to bodies within the meeting body's reach."""
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
    for spec in actions:
        require(actor, "meetings.assign_action", Tabled(meeting, spec["owner"]), OWNER_ELSEWHERE)
    resolution = Resolution.objects.create(item=item, text=text)
    MEETING.record(
        meeting,
        kind=MeetingEvent.Kind.RESOLUTION,
        actor=actor,
        note=text,
        event_fields={"item": item},
    )
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
        _assign(resolution, issue, spec, actor=actor, meeting=meeting)
    if issue is not None and actions and issue.status == IssueStatus.RESOLVED:
        issue_services.change_status(
            issue, actor=actor, to=IssueStatus.IN_PROGRESS, meeting_id=meeting.pk, note=text
        )
    return resolution


def _assign(resolution: Resolution, issue: Issue | None, spec: dict, *, actor, meeting) -> Action:
    action = Action.objects.create(
        resolution=resolution,
        issue=issue,
        title=spec["title"][:300],
        owner=spec["owner"],
        due=spec["due"],
    )
    ACTION.record(
        action,
        kind=ActionEvent.Kind.ASSIGNED,
        actor=actor,
        actor_body=meeting.body,
        note=f"{action.owner.name_th} ({action.due:%Y-%m-%d})",
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
    return action


@transaction.atomic
def hold(meeting: Meeting, *, actor, approve_previous: bool = True) -> Meeting:
    """The meeting took place: with a quorum, its minutes are kept; it approves the previous."""
    _require_officer(actor, meeting.body)
    if meeting.starts_at > timezone.now():
        raise InvalidInput({"starts_at": NOT_STARTED})
    if not has_quorum(meeting):
        raise InvalidInput({"attendance": QUORUM_MISSING})
    # Holding locks the record: every item must have its minutes (or its resolution) first.
    missing = [
        item.number
        for item in meeting.items.prefetch_related("resolutions")
        if not item.minutes.strip() and not item.resolutions.all()
    ]
    if missing:
        raise InvalidInput({"minutes": _without_minutes(missing)})
    MEETING.move(
        meeting,
        to=Meeting.Status.HELD,
        kind=MeetingEvent.Kind.HELD,
        actor=actor,
        actor_body=meeting.body,
    )
    previous = meeting.previous
    if approve_previous and previous is not None and previous.minutes_approved is None:
        Meeting.objects.filter(pk=previous.pk).update(minutes_approved=timezone.now())
        MEETING.record(
            previous,
            kind=MeetingEvent.Kind.APPROVED,
            actor=actor,
            note=meeting.title,
        )
    return meeting


@transaction.atomic
def update_action(action: Action, *, actor, progress: int, note: str = "") -> ActionEvent:
    require(actor, "meetings.update_action", action, NOT_OWNER)
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise InvalidInput({"progress": PROGRESS_INVALID}) from None
    if not 0 <= progress <= 100:
        raise InvalidInput({"progress": PROGRESS_INVALID})
    note = note.strip()
    if progress == 100:
        to = A.DONE
    elif progress > 0:
        to = A.IN_PROGRESS
    else:
        to = action.status
    event = ACTION.move(
        action,
        to=to,
        kind=ActionEvent.Kind.PROGRESS,
        actor=actor,
        note=note,
        updates={
            "progress": progress,
            "done_at": (lambda now: now) if to == A.DONE else action.done_at,
        },
        event_fields={"progress": progress},
    )
    if action.issue_id:
        issue_services.record_event(
            action.issue,
            IssueEvent.Kind.ACTION_PROGRESS,
            actor,
            action_id=action.pk,
            note=f"{action.title}: {progress}% {note}".strip(),
        )
        roll_up(action.issue, actor=actor)
    return event


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
    invitation = Invitation.objects.create(
        meeting=meeting, name=name, role=role.strip()[:200], group=group
    )
    MEETING.record(meeting, kind=MeetingEvent.Kind.INVITED, actor=actor, note=name)
    return invitation


def on_report_moved(sender, instance, event, **kwargs) -> None:
    """A report linked to committee issues changed status: their progress follows at once."""
    for issue in Issue.objects.filter(reports=instance):
        roll_up(issue)
