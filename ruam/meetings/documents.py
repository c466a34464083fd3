"""What the meeting documents say: the invitation (หนังสือเชิญประชุม) and the minutes
(รายงานการประชุม), rendered from the same templates (``meetings/print/``) as a printable page
and as PDF; the pages are ``meetings.views`` (who may see them: ``meetings.rules``).

People appear by name and role only, never with an email address or a telephone number.

PDF: ``ruam.printing.pdf.render_pdf`` (WeasyPrint with Laksaman, the metric-compatible clone of
TH Sarabun PSK, at 16 pt as official documents are; nothing fetched while printing, and Thai
that copies out of the PDF as it was written).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from ruam.bodies.models import Role
from ruam.meetings.models import (
    SECTION_TH,
    Action,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    Resolution,
)
from ruam.meetings.selectors import has_quorum, quorum
from ruam.thai.dates import to_thai_numerals

KINDS = {"invitation": "meetings/print/invitation.html", "minutes": "meetings/print/minutes.html"}
FILE_PREFIX = {"invitation": "invitation", "minutes": "minutes"}

# Contact data never printed, even when someone typed it into a name or a role.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER_RUN = re.compile(r"\+?\d[\d\s().-]{7,}\d")  # a telephone number if 9 digits or more
CONTACT_LABEL = re.compile(
    r"(?:^|\s+)(?:โทรศัพท์|โทร|มือถือ|อีเมล|e-?mail|tel|phone|mobile)\s*[:.]?\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Enclosure:
    """A document sent with the invitation (สิ่งที่ส่งมาด้วย): its Thai title and its HTML."""

    title: str
    html: Callable[[], str]


# Apps above this one add what a meeting's invitation encloses (insights: the briefing pack):
# each callable takes the meeting and gives its enclosures. Meetings import none of them.
ENCLOSURES: list[Callable[[Meeting], list[Enclosure]]] = []


def enclosures(meeting: Meeting) -> list[Enclosure]:
    return [found for source in ENCLOSURES for found in source(meeting)]


def is_draft(meeting: Meeting, kind: str) -> bool:
    return kind == "minutes" and meeting.status != Meeting.Status.HELD


# -- what the documents say -------------------------------------------------------------------


def clean_person_text(value: str) -> str:
    """A name or a role as printed: any email address or telephone number taken out."""
    value = EMAIL.sub("", value or "")
    value = NUMBER_RUN.sub(lambda m: "" if sum(c.isdigit() for c in m[0]) >= 9 else m[0], value)
    value = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", value)
    value = re.sub(r"\s{2,}", " ", value).strip(" ,;/:-")
    return CONTACT_LABEL.sub("", value).strip(" ,;/:-")


def _person_name(user) -> str:
    if user is None:
        return ""
    return clean_person_text(user.display_name or user.get_full_name() or user.username)


def _officer_name(meeting: Meeting, role: str) -> str:
    membership = (
        meeting.body.current_memberships(timezone.localdate(meeting.starts_at))
        .filter(role=role)
        .order_by("start", "pk")
        .first()
    )
    return _person_name(membership.person) if membership else ""


def _people(rows, remark=None) -> list[dict]:
    return [
        {
            "name": clean_person_text(row.name),
            "role": clean_person_text(row.role),
            "remark": remark(row) if remark else "",
        }
        for row in rows
    ]


def _sections(meeting: Meeting) -> list[dict]:
    actions = Action.objects.select_related("owner").order_by("due", "pk")
    resolutions = Resolution.objects.prefetch_related(Prefetch("actions", actions)).order_by("pk")
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("resolutions", resolutions))
        .order_by("section", "order", "pk")
    )
    return [
        {
            "number": number,
            "heading": heading,
            "items": [item for item in items if item.section == number],
        }
        for number, heading in SECTION_TH.items()
    ]


def document_context(meeting: Meeting, kind: str) -> dict:
    body = meeting.body
    context = {
        "kind": kind,
        "meeting": meeting,
        "body": body,
        "number": f"{meeting.number}/{meeting.year}",
        "sections": _sections(meeting),
        "chair_name": _person_name(meeting.chair) or _officer_name(meeting, Role.CHAIR),
        "secretary_name": _officer_name(meeting, Role.SECRETARY),
        "is_draft": is_draft(meeting, kind),
        "cancelled": meeting.status == Meeting.Status.CANCELLED,
    }
    if kind == "invitation":
        invitations = list(meeting.invitations.order_by("pk"))
        context["invitees"] = _people(invitations)
        context["invited_groups"] = [
            (label, _people([i for i in invitations if i.group == group]))
            for group, label in [
                (Invitation.Group.MEMBER, "กรรมการ"),
                (Invitation.Group.OFFICIAL, "ผู้บริหารและเจ้าหน้าที่สำนักงานเขต"),
                (Invitation.Group.DEPARTMENT, "ผู้แทนหน่วยงาน"),
                (Invitation.Group.GUEST, "ผู้ได้รับเชิญ"),
            ]
        ]
        # The letter's date: when the meeting was scheduled, never after the meeting itself.
        context["issued"] = min(meeting.created, meeting.starts_at)
        context["enclosures"] = [e.title for e in enclosures(meeting)]
    else:
        rows = list(meeting.attendance.order_by("pk"))
        status = Attendance.Status
        context["present"] = _people(
            [r for r in rows if r.status == status.PRESENT and r.is_member]
        )
        context["absent"] = _people(
            [r for r in rows if r.status in {status.ABSENT, status.LEAVE}],
            remark=lambda r: "ลาประชุม" if r.status == status.LEAVE else "",
        )
        context["participants"] = _people(
            [
                r
                for r in rows
                if r.status == status.GUEST or (r.status == status.PRESENT and not r.is_member)
            ]
        )
        context["quorum"] = quorum(meeting)
        context["has_quorum"] = has_quorum(meeting)
        context["opened_at"] = meeting.opened_at or timezone.localtime(meeting.starts_at)
        context["closed_at"] = meeting.closed_at
        context["minutes_by"] = clean_person_text(meeting.minutes_by) or context["secretary_name"]
    return context


def render_document(
    meeting: Meeting,
    kind: str,
    *,
    thai_numerals: bool = False,
    for_pdf: bool = True,
    request: HttpRequest | None = None,
) -> str:
    """The document as HTML, always in Thai (Buddhist-Era dates), optionally in Thai numerals."""
    context = document_context(meeting, kind) | {"for_pdf": for_pdf, "thai_digits": thai_numerals}
    if not for_pdf:
        context["pdf_url"] = reverse(f"meetings:{kind}_pdf", args=[meeting.pk])
        try:
            context["back_url"] = meeting.get_absolute_url()
        except NoReverseMatch:  # the meetings pages are not installed
            context["back_url"] = ""
    with translation.override("th"):
        html = render_to_string(KINDS[kind], context, request=request)
    return to_thai_numerals(html) if thai_numerals else html
