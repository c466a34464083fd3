"""Every change of a committee issue: validate, write, record on its timeline, tell followers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ruam.bodies.models import Body
from ruam.bodies.services import committee_code
from ruam.core.errors import Bilingual as B
from ruam.core.errors import InvalidInput
from ruam.core.permissions import allowed, require
from ruam.core.timeline import MOVE_NOT_ALLOWED, Lifecycle
from ruam.framework.models import Area, PlanItem
from ruam.issues import tasks
from ruam.issues.models import Comment, Follower, Issue, IssueEvent, Support
from ruam.issues.statuses import NEEDS_REASON, TRANSITIONS, IssueStatus
from ruam.reports.models import Report

# Changes the residents behind an issue hear about.
NOTIFY = {
    IssueStatus.ON_AGENDA,
    IssueStatus.RESOLVED,
    IssueStatus.DONE,
    IssueStatus.VERIFIED,
    IssueStatus.DECLINED,
    IssueStatus.ESCALATED,
}

TITLE_REQUIRED = B("โปรดตั้งชื่อประเด็น", "Please give the issue a title.")
TITLE_TOO_LONG = B("ชื่อประเด็นยาวเกิน 200 ตัวอักษร", "The title is longer than 200 characters.")
DESCRIPTION_REQUIRED = B("โปรดอธิบายประเด็น", "Please describe the issue.")
DESCRIPTION_TOO_LONG = B(
    "คำอธิบายยาวเกิน 8,000 ตัวอักษร", "The description is longer than 8,000 characters."
)
KIND_INVALID = B("โปรดเลือกประเภทประเด็น", "Please choose the kind of issue.")
REASON_REQUIRED = B("โปรดระบุเหตุผล", "Please give a reason.")
NOT_MEMBER = B(
    "เฉพาะคณะขับเคลื่อนของเขตนี้เท่านั้นที่ทำรายการนี้ได้",
    "Only this district's committee members can do that.",
)
SIGN_IN = B("โปรดเข้าสู่ระบบก่อน", "Please sign in first.")
COMMENT_REQUIRED = B("โปรดพิมพ์ความคิดเห็น", "Please write a comment.")
COMMENT_TOO_LONG = B("ความคิดเห็นยาวเกิน 4,000 ตัวอักษร", "The comment is longer than 4,000 characters.")
ALREADY_SUPPORTED = B("คุณสนับสนุนประเด็นนี้แล้ว", "You already support this issue.")
NOT_SUPPORTED = B("คุณยังไม่ได้สนับสนุนประเด็นนี้", "You do not support this issue.")
REPORT_OTHER_DISTRICT = B(
    "เรื่องแจ้งนี้อยู่นอกเขตของประเด็น", "This report is outside the issue's district."
)


def _check_text(errors: dict, title: str, description: str, kind: str) -> None:
    if not title:
        errors["title"] = TITLE_REQUIRED
    elif len(title) > 200:
        errors["title"] = TITLE_TOO_LONG
    if not description:
        errors["description"] = DESCRIPTION_REQUIRED
    elif len(description) > 8000:
        errors["description"] = DESCRIPTION_TOO_LONG
    if kind not in Issue.Kind.values:
        errors["kind"] = KIND_INVALID


LIFECYCLE = Lifecycle(
    model=Issue,
    event_model=IssueEvent,
    subject="issue",
    moves=TRANSITIONS,
    refresh=("status", "status_note", "escalated_to_id"),
    not_allowed=MOVE_NOT_ALLOWED,
)


def record_event(
    issue: Issue, kind: str, actor=None, *, note: str = "", actor_body=None, **values
) -> IssueEvent:
    """One line of the issue's timeline that is not a move (meetings, resolutions and actions
    add theirs here)."""
    return LIFECYCLE.record(
        issue, kind=kind, actor=actor, actor_body=actor_body, note=note, event_fields=values
    )


@transaction.atomic
def create_issue(
    *,
    actor,
    district_code: str,
    title: str,
    description: str,
    kind: str,
    area: Area | None = None,
    plan_items: Iterable[PlanItem] = (),
    reports: Iterable[Report] = (),
    lat: float | None = None,
    lon: float | None = None,
    place: str = "",
    source: str | None = None,
) -> Issue:
    """A member creates an issue; a resident proposes one (status เสนอ either way)."""
    require(actor, "issues.propose_issue", district_code, SIGN_IN)
    member = allowed(actor, "issues.create_issue", district_code)
    title, description = (title or "").strip(), (description or "").strip()
    errors: dict = {}
    _check_text(errors, title, description, kind)
    reports = list(reports)
    if any(r.district_id != district_code for r in reports):
        errors["reports"] = REPORT_OTHER_DISTRICT
    if errors:
        raise InvalidInput(errors)
    issue = Issue.objects.create(
        body=Body.objects.get(code=committee_code(district_code)),
        district_id=district_code,
        kind=kind,
        title=title,
        description=description,
        area=area,
        lat=lat,
        lon=lon,
        place=place.strip()[:300],
        source=source or (Issue.Source.MEMBER if member else Issue.Source.RESIDENT),
        proposer=actor,
    )
    issue.plan_items.set(list(plan_items))
    record_event(issue, IssueEvent.Kind.CREATED, actor, to_status=issue.status)
    for report in reports:
        _link(issue, report, actor)
    Follower.objects.get_or_create(issue=issue, user=actor)
    return issue


def _link(issue: Issue, report: Report, actor) -> None:
    issue.reports.add(report)
    record_event(issue, IssueEvent.Kind.REPORT_LINKED, actor, report=report)


def _require_member(actor, issue: Issue) -> None:
    require(actor, "issues.manage_issue", issue, NOT_MEMBER)


@transaction.atomic
def link_reports(issue: Issue, *, actor, reports: Iterable[Report]) -> int:
    _require_member(actor, issue)
    reports = [r for r in reports if not issue.reports.filter(pk=r.pk).exists()]
    if issue.district_id and any(r.district_id != issue.district_id for r in reports):
        raise InvalidInput({"reports": REPORT_OTHER_DISTRICT})
    for report in reports:
        _link(issue, report, actor)
    return len(reports)


@transaction.atomic
def change_status(issue: Issue, *, actor, **move_args) -> IssueEvent:
    """A committee member moves the issue along its lifecycle (the arguments of ``move``)."""
    _require_member(actor, issue)
    return move(issue, actor=actor, **move_args)


def move(
    issue: Issue,
    *,
    actor,
    to: str,
    note: str = "",
    meeting_id: int | None = None,
    escalate_to: Body | None = None,
) -> IssueEvent:
    """The move itself, once the caller is entitled to it: the lifecycle table, the reason, the
    timeline, the residents told. (Also the step an official's last action update makes.)"""
    note = (note or "").strip()
    if to in NEEDS_REASON and not note:
        raise InvalidInput({"note": REASON_REQUIRED})
    updates: dict = {"status_note": note} if to in NEEDS_REASON else {}
    if to == IssueStatus.ESCALATED:
        updates["escalated_to"] = (
            escalate_to
            or Body.objects.filter(
                kind=Body.Kind.GROUP_MEETING, group_id=issue.body.group_id
            ).first()
        )
    return LIFECYCLE.move(
        issue,
        to=to,
        kind=IssueEvent.Kind.STATUS,
        actor=actor,
        note=note,
        updates=updates,
        event_fields={"meeting_id": meeting_id},
        follow_up=[(tasks.notify_issue_status, lambda e: (e.pk,))] if to in NOTIFY else [],
    )


def support(issue: Issue, *, user) -> None:
    require(user, "issues.support_issue", issue, SIGN_IN)
    try:
        with transaction.atomic():
            Support.objects.create(issue=issue, user=user)
            Issue.objects.filter(pk=issue.pk).update(support_count=F("support_count") + 1)
            Follower.objects.get_or_create(issue=issue, user=user)
    except IntegrityError:
        raise InvalidInput({"support": ALREADY_SUPPORTED}) from None


@transaction.atomic
def withdraw_support(issue: Issue, *, user) -> None:
    deleted, _ = Support.objects.filter(issue=issue, user=user).delete()
    if not deleted:
        raise InvalidInput({"support": NOT_SUPPORTED})
    Issue.objects.filter(pk=issue.pk).update(support_count=F("support_count") - 1)


def comment(issue: Issue, *, author, text: str) -> Comment:
    require(author, "issues.comment_issue", issue, SIGN_IN)
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": COMMENT_REQUIRED})
    if len(text) > 4000:
        raise InvalidInput({"text": COMMENT_TOO_LONG})
    with transaction.atomic():
        made = Comment.objects.create(issue=issue, author=author, text=text)
        Follower.objects.get_or_create(issue=issue, user=author)
    return made


@transaction.atomic
def hide_comment(item: Comment, *, actor, reason: str) -> None:
    """Moderation: the comment leaves the page; its text stays, for the audit trail."""
    _require_member(actor, item.issue)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": REASON_REQUIRED})
    item.hidden, item.hidden_reason, item.hidden_by = True, reason[:300], actor
    item.hidden_at = timezone.now()
    item.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    record_event(item.issue, IssueEvent.Kind.COMMENT_HIDDEN, actor, note=reason)


def follow(issue: Issue, *, user, on: bool = True) -> None:
    if on:
        Follower.objects.get_or_create(issue=issue, user=user)
    else:
        Follower.objects.filter(issue=issue, user=user).delete()


ATTACHMENT_TOO_LARGE = B("ไฟล์ใหญ่เกิน 10 MB", "The file is larger than 10 MB.")
ATTACHMENT_TYPE = B(
    "แนบได้เฉพาะ PDF หรือภาพ (JPEG, PNG, WebP, HEIC)",
    "Only PDF files and images (JPEG, PNG, WebP, HEIC) can be attached.",
)
ATTACHMENT_CORRUPT = B("ไฟล์ PDF เสียหรือไม่สมบูรณ์", "The PDF file is damaged or incomplete.")
MAX_ATTACHMENT = 10 * 1024 * 1024


@transaction.atomic
def add_attachment(issue: Issue, *, actor, data: bytes, title: str = "", filename: str = ""):
    """Members, or the resident who proposed the issue, attach a PDF or an image."""
    from django.core.files.base import ContentFile

    from ruam.issues.models import Attachment
    from ruam.reports.photos import PhotoError, process_photo, sniff

    require(actor, "issues.attach_document", issue, NOT_MEMBER)
    title = (title or filename or "").strip()[:200] or "เอกสารแนบ"
    if len(data) > MAX_ATTACHMENT:
        raise InvalidInput({"file": ATTACHMENT_TOO_LARGE})
    if data[:5] == b"%PDF-":
        if b"%%EOF" not in data[-1024:]:
            raise InvalidInput({"file": ATTACHMENT_CORRUPT})
        content, content_type, extension = data, "application/pdf", "pdf"
    elif sniff(data):
        try:
            photo = process_photo(data)
        except PhotoError as exc:
            raise InvalidInput({"file": B(exc.message_th, exc.message_en)}) from None
        content, content_type, extension = photo.large, photo.content_type, photo.extension
    else:
        raise InvalidInput({"file": ATTACHMENT_TYPE})
    item = Attachment(
        issue=issue, title=title, content_type=content_type, size=len(content), uploaded_by=actor
    )
    item.file.save(
        f"{issue.pk}-{timezone.now():%Y%m%d%H%M%S}.{extension}", ContentFile(content), save=False
    )
    item.save()
    record_event(issue, IssueEvent.Kind.ATTACHED, actor, note=title)
    return item
