"""The committee's meeting pages: schedule, prepare the agenda, record the meeting, follow up."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST, require_safe

from ruam.bodies.models import Body
from ruam.bodies.services import committee_code
from ruam.core import exports
from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.permissions import allowed
from ruam.core.web import attempt, in_language, whole_number
from ruam.geo.models import District
from ruam.issues import services as issue_services
from ruam.issues.models import Issue
from ruam.issues.statuses import IssueStatus
from ruam.meetings import documents, services
from ruam.meetings.models import Action, ActionEvent, AgendaItem, Attendance, Meeting, Section
from ruam.meetings.selectors import agenda_suggestions, quorum
from ruam.printing.pdf import render_pdf
from ruam.reports.models import Report

CLOSED_ISSUES = [IssueStatus.VERIFIED, IssueStatus.DECLINED, IssueStatus.DONE]
# The suffixes of the action rows a resolution's form offers (several owners per resolution).
ACTION_ROWS = ("", "_2", "_3")


def _committee(code: str) -> tuple[District, Body]:
    district = get_object_or_404(District, code=code)
    return district, get_object_or_404(Body, code=committee_code(code))


def _meeting_body(code: str) -> Body:
    """A body that holds meetings (a district committee, a working group, a district-group
    committee), by its code; 404 for offices, divisions and departments."""
    return get_object_or_404(
        Body.objects.select_related("district", "group", "parent"),
        code=code,
        kind__in=services.MEETING_KINDS,
    )


def _is_district_committee(body: Body) -> bool:
    return body.kind == Body.Kind.COMMITTEE and bool(body.district_id)


def body_meeting_list(request: HttpRequest, code: str) -> HttpResponse:
    """The meetings of a working group or a district-group committee (a district committee's
    are at /districts/<code>/meetings/, with the district's actions)."""
    body = _meeting_body(code)
    if _is_district_committee(body):
        return redirect("meetings:list", body.district_id)
    return render(
        request,
        "meetings/list.html",
        {
            "body": body,
            "meetings": body.meetings.all(),
            "can_manage": allowed(request.user, "meetings.manage_meetings", body),
            "new_url": reverse("meetings:body_new", args=[body.code]),
            "actions": Action.objects.filter(resolution__item__meeting__body=body)
            .select_related("owner", "issue")
            .order_by("status", "due")[:50],
        },
    )


@login_required
def body_meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    body = _meeting_body(code)
    if _is_district_committee(body):
        return redirect("meetings:new", body.district_id)
    return _schedule(request, body, {"body": body})


def meeting_list(request: HttpRequest, code: str) -> HttpResponse:
    district, body = _committee(code)
    actions = (
        Action.objects.filter(issue__district=district)
        .select_related("owner", "issue")
        .order_by("status", "due")
    )
    try:
        if exported := exports.list_response(
            request,
            actions_table(actions),
            [(_l("District"), district.name_th)],
            f"ruam-{district.code}-actions",
            actions.count(),
        ):
            return exported
    except InvalidInput as exc:
        for message in exc.errors.values():
            messages.error(request, in_language(message))
    return render(
        request,
        "meetings/list.html",
        {
            "district": district,
            "body": body,
            "meetings": body.meetings.all(),
            "can_manage": allowed(request.user, "meetings.manage_meetings", body),
            "actions": actions[:50],
        },
    )


def actions_table(qs) -> exports.Table:
    C = exports.Column
    return exports.Table(
        name="actions",
        title=_l("Actions assigned"),
        columns=[
            C("title", _l("Action")),
            C("owner", _l("Owner")),
            C("due", _l("Due"), "date"),
            C("status", _l("Status")),
            C("progress", _l("Progress"), "share"),
            C("overdue", _l("Overdue")),
            C("issue", _l("Issue")),
        ],
        rows=(
            (
                a.title,
                a.owner.name_th,
                a.due,
                a.get_status_display(),
                a.progress / 100,
                "ใช่" if a.is_overdue else "",
                a.issue.title if a.issue_id else "",
            )
            for a in qs.iterator(chunk_size=2000)
        ),
    )


@login_required
def meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    district, body = _committee(code)
    return _schedule(request, body, {"district": district, "body": body})


def _schedule(request: HttpRequest, body: Body, context: dict) -> HttpResponse:
    """Schedule a meeting of ``body`` and invite its members (officers only)."""
    if not allowed(request.user, "meetings.manage_meetings", body):
        raise PermissionDenied(in_language(services.NOT_OFFICER))
    if request.method == "POST":
        starts_at = parse_datetime(request.POST.get("starts_at", "") or "")
        if starts_at is not None and timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        meeting = None

        def act():
            nonlocal meeting
            meeting = services.schedule_meeting(
                actor=request.user,
                body=body,
                starts_at=starts_at,
                place=request.POST.get("place", ""),
                title=request.POST.get("title", ""),
            )
            services.invite_members(meeting, actor=request.user)

        if attempt(request, act):
            return redirect(meeting)
    return render(
        request,
        "meetings/new.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("body", "body__district"), pk=pk)
    manage = allowed(request.user, "meetings.manage_meetings", meeting.body)
    items = meeting.items.select_related("issue").prefetch_related("resolutions__actions__owner")
    district = meeting.body.district_id
    body = meeting.body
    context = {
        "meeting": meeting,
        "list_url": reverse("meetings:list", args=[body.district_id])
        if _is_district_committee(body)
        else reverse("meetings:body_list", args=[body.code]),
        "sections": [
            (value, label, [i for i in items if i.section == value])
            for value, label in Section.choices
        ],
        "attendance": meeting.attendance.all(),
        "invitations": meeting.invitations.all(),
        "quorum": quorum(meeting),
        "manage": manage,
        # Minutes are a draft, for the officers, until the meeting is recorded as held.
        "can_see_minutes": allowed(request.user, "meetings.view_minutes", meeting),
        "action_rows": ACTION_ROWS,
    }
    if manage and district:
        context.update(
            suggestions=agenda_suggestions(district, meeting=meeting),
            open_issues=Issue.objects.filter(district_id=district)
            .exclude(status__in=CLOSED_ISSUES)
            .order_by("-support_count"),
            owners=list(
                Body.objects.filter(district_id=district, kind=Body.Kind.DIVISION).order_by(
                    "division_type__order"
                )
            )
            + list(
                Body.objects.filter(
                    Q(kind=Body.Kind.WORKING_GROUP, parent__district_id=district)
                    | Q(kind=Body.Kind.PARTNER, district_id=district)
                    | Q(kind=Body.Kind.PARTNER, district__isnull=True)
                    | Q(kind=Body.Kind.DEPARTMENT)
                ).order_by("kind", "name_th")
            ),
        )
    elif manage and meeting.body.group_id:
        # A district-group committee: the issues its districts escalated to it; actions go to
        # the group's district offices (or, by invitation, to central departments).
        context.update(
            suggestions=[],
            open_issues=Issue.objects.filter(escalated_to=meeting.body)
            .exclude(status__in=CLOSED_ISSUES)
            .order_by("-support_count"),
            owners=Body.objects.filter(
                district__group_id=meeting.body.group_id, kind=Body.Kind.DISTRICT_OFFICE
            ).order_by("district_id"),
        )
    if manage:
        context.update(
            history=meeting.events.select_related("actor", "item").order_by("-created", "-pk"),
            attendance_choices=Attendance.Status.choices,
            departments=Body.objects.filter(kind=Body.Kind.DEPARTMENT).order_by("name_th"),
        )
    return render(request, "meetings/detail.html", context)


def _meeting_for_officer(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=pk)
    if not allowed(request.user, "meetings.manage_meetings", meeting.body):
        raise PermissionDenied(in_language(services.NOT_OFFICER))
    return meeting


@login_required
@require_POST
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_officer(request, pk)
    issue = Issue.objects.filter(pk=whole_number(request.POST.get("issue")) or 0).first()
    codes = [c for c in request.POST.get("reports", "").split(",") if c]
    section = (
        whole_number(request.POST.get("section"), minimum=1, maximum=5) or Section.FOR_DECISION
    )

    @transaction.atomic  # a hotspot's new issue only with its agenda item
    def act():
        nonlocal issue
        if issue is None and codes:  # a suggested hotspot: it becomes an issue first
            issue = issue_services.create_issue(
                actor=request.user,
                district_code=meeting.body.district_id,
                title=request.POST.get("title", ""),
                description=request.POST.get("reason", ""),
                kind=Issue.Kind.PROBLEM,
                reports=Report.objects.filter(code__in=codes),
                source=Issue.Source.HOTSPOT,
            )
        services.add_item(
            meeting,
            actor=request.user,
            section=section,
            issue=issue,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
        )

    if attempt(request, act):
        messages.success(request, _("Added to the agenda."))
    return redirect(meeting)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_officer(request, pk)
    body = Body.objects.filter(
        pk=whole_number(request.POST.get("body")) or 0, kind=Body.Kind.DEPARTMENT
    ).first()

    def act():
        services.invite(
            meeting,
            actor=request.user,
            name=request.POST.get("name", ""),
            role=request.POST.get("role", ""),
            group="department" if body else "guest",
            body=body,
        )

    if attempt(request, act):
        messages.success(request, _("Invited."))
    return redirect(meeting)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_officer(request, pk)
    entries = []
    for invitation in meeting.invitations.all():
        status = request.POST.get(f"status-{invitation.pk}", "")
        if status not in Attendance.Status.values or status == Attendance.Status.GUEST:
            # Nobody's attendance is guessed: a quorum counted from defaults would overstate it.
            messages.error(request, in_language(ATTENDANCE_INCOMPLETE))
            return redirect(meeting)
        if status in Attendance.Status.values:
            entries.append(
                {
                    "person": invitation.person,
                    "name": invitation.name,
                    "role": invitation.role,
                    "status": status,
                    "is_member": invitation.group == "member",
                }
            )
    for name in request.POST.get("guests", "").splitlines():
        if name.strip():
            entries.append({"name": name.strip()[:200], "status": "guest", "is_member": False})
    if attempt(
        request, lambda: services.record_attendance(meeting, actor=request.user, entries=entries)
    ):
        present, total = quorum(meeting)
        messages.success(
            request,
            _("Attendance saved: %(p)d of %(t)d members present.") % {"p": present, "t": total},
        )
    return redirect(meeting)


@login_required
@require_POST
def record_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_for_officer(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)

    def act():
        services.record_minutes(item, actor=request.user, minutes=request.POST.get("minutes", ""))
        text = request.POST.get("resolution", "").strip()
        if text:
            # One resolution may assign several actions, each to its own owner: the form's
            # rows are action_title, action_title_2, action_title_3 …
            actions = [
                {
                    "title": request.POST[f"action_title{suffix}"],
                    "owner": Body.objects.filter(
                        pk=whole_number(request.POST.get(f"action_owner{suffix}")) or 0
                    ).first(),
                    "due": parse_date(request.POST.get(f"action_due{suffix}", "") or ""),
                }
                for suffix in ACTION_ROWS
                if request.POST.get(f"action_title{suffix}", "").strip()
            ]
            services.resolve(item, actor=request.user, text=text, actions=actions)

    if attempt(request, act):
        messages.success(request, _("Saved."))
    return redirect(meeting)


@login_required
@require_POST
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_officer(request, pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, in_language(CONFIRM_HOLD))
    elif attempt(request, lambda: services.hold(meeting, actor=request.user)):
        messages.success(request, _("The meeting is recorded."))
    return redirect(meeting)


CONFIRM_HOLD = Bilingual(
    "โปรดยืนยันว่าประชุมแล้วและบันทึกครบ ก่อนปิดบันทึกการประชุม (แก้ไขภายหลังไม่ได้)",
    "Please confirm that the meeting took place and the record is complete before closing it "
    "(it cannot be changed afterwards).",
)
ATTENDANCE_INCOMPLETE = Bilingual(
    "โปรดระบุการมาประชุมของทุกคนที่ได้รับเชิญ (มา ไม่มา หรือลา) ยังไม่ได้บันทึก",
    "Please mark everyone invited as present, absent or on leave: nothing was saved.",
)


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("owner", "issue"), pk=pk)
    if request.method == "POST":
        if attempt(
            request,
            lambda: services.update_action(
                action,
                actor=request.user,
                progress=request.POST.get("progress"),
                note=request.POST.get("note", ""),
            ),
        ):
            messages.success(request, _("Saved."))
        return redirect("meetings:action", pk=action.pk)
    return render(
        request,
        "meetings/action.html",
        {
            "action": action,
            "updates": action.events.filter(kind=ActionEvent.Kind.PROGRESS).select_related("actor"),
            "can_update": allowed(request.user, "meetings.update_action", action),
            "today": dt.date.today(),
        },
    )


# -- the documents: invitation and minutes, as printable pages and as PDF ---------------------

DRAFT_MINUTES = Bilingual(
    "รายงานการประชุมครั้งนี้ยังเป็นร่าง เปิดดูได้เฉพาะประธาน รองประธาน และเลขานุการของคณะนี้",
    "These minutes are still a draft: only this body's chair, vice chair and secretaries can "
    "see them.",
)


@require_safe
def invitation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "invitation", pdf=True)


@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "minutes", pdf=True)


@require_safe
def invitation_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "invitation", pdf=False)


@require_safe
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "minutes", pdf=False)


def _document(request: HttpRequest, pk: int, kind: str, *, pdf: bool) -> HttpResponse:
    """An invitation is public; minutes are a draft, for the body's officers, until the
    meeting is recorded as held. Neither is kept by shared caches while a draft."""
    meeting = get_object_or_404(Meeting.objects.select_related("body", "chair"), pk=pk)
    if kind == "minutes" and not allowed(request.user, "meetings.view_minutes", meeting):
        return render(request, "403.html", {"message": in_language(DRAFT_MINUTES)}, status=403)
    thai_numerals = request.GET.get("digits") == "thai"
    if pdf:
        html = documents.render_document(meeting, kind, thai_numerals=thai_numerals, for_pdf=True)
        # An invitation's enclosures (a briefing pack) follow it in the same file.
        also = [e.html() for e in documents.enclosures(meeting)] if kind == "invitation" else []
        response = HttpResponse(render_pdf(html, also=also), content_type="application/pdf")
        name = f"{kind}-{meeting.body.code}-{meeting.number}-{meeting.year}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        response = HttpResponse(
            documents.render_document(
                meeting, kind, thai_numerals=thai_numerals, for_pdf=False, request=request
            )
        )
    if documents.is_draft(meeting, kind):
        patch_cache_control(response, private=True, no_store=True)
    return response
