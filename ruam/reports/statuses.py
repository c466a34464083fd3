"""A report's statuses and the moves between them.

The statuses are Traffy Fondue's, so imported and native reports mean the same thing, plus Ruam's
own: duplicate, reopened, closed without a fix, and fix confirmed. The table below is the only
place that says which move is allowed; services check it, pages and APIs offer only what it allows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    WAITING = "waiting", _("Waiting to be accepted")  # รอรับเรื่อง
    COORDINATING = "coordinating", _("Coordinating")  # กำลังประสานงาน
    IN_PROGRESS = "in_progress", _("In progress")  # กำลังดำเนินการ
    FORWARDED = "forwarded", _("Forwarded")  # ส่งต่อ
    INVITED = "invited", _("Others invited to help")  # เชิญร่วม
    NOT_RELEVANT = "not_relevant", _("Not relevant")  # ไม่เกี่ยวข้อง
    FINISHED = "finished", _("Finished")  # เสร็จสิ้น
    DUPLICATE = "duplicate", _("Duplicate")  # ซ้ำ
    REOPENED = "reopened", _("Reopened")  # เปิดใหม่
    CLOSED_UNFIXED = "closed_unfixed", _("Closed without a fix")  # ปิดโดยไม่ได้แก้ไข
    CONFIRMED = "confirmed", _("Fix confirmed")  # ยืนยันแล้ว


S = Status
WORKING = {S.COORDINATING, S.IN_PROGRESS, S.FORWARDED, S.INVITED, S.FINISHED, S.DUPLICATE}

# from → the statuses staff may move a report to.
STAFF_TRANSITIONS: dict[str, set[str]] = {
    S.WAITING: WORKING | {S.NOT_RELEVANT},
    S.COORDINATING: (WORKING - {S.COORDINATING}) | {S.NOT_RELEVANT},
    S.IN_PROGRESS: (WORKING - {S.IN_PROGRESS}) | {S.COORDINATING, S.CLOSED_UNFIXED},
    S.FORWARDED: WORKING | {S.NOT_RELEVANT, S.WAITING},
    S.INVITED: (WORKING - {S.INVITED}) | {S.NOT_RELEVANT},
    S.REOPENED: WORKING | {S.NOT_RELEVANT, S.CLOSED_UNFIXED},
    S.NOT_RELEVANT: {S.WAITING},
    S.DUPLICATE: {S.WAITING},
    S.FINISHED: {S.IN_PROGRESS},
    S.CLOSED_UNFIXED: set(),
    S.CONFIRMED: set(),
}
# from → what the reporter (or the district committee, for confirming) may do.
REPORTER_TRANSITIONS: dict[str, set[str]] = {
    S.FINISHED: {S.CONFIRMED, S.REOPENED},
    S.CLOSED_UNFIXED: {S.REOPENED},
    S.NOT_RELEVANT: {S.REOPENED},
}

OPEN = {S.WAITING, S.COORDINATING, S.IN_PROGRESS, S.FORWARDED, S.INVITED, S.REOPENED}
CLOSED = {S.NOT_RELEVANT, S.FINISHED, S.DUPLICATE, S.CLOSED_UNFIXED, S.CONFIRMED}
# Statuses that need a written reason, and the one that needs an after-photo.
NEEDS_REASON = {S.NOT_RELEVANT, S.FORWARDED, S.INVITED, S.REOPENED, S.CLOSED_UNFIXED}
NEEDS_AFTER_PHOTO = {S.FINISHED}

# Traffy Fondue's states (as in its public dump) → Ruam's.
TRAFFY_STATES = {
    "รอรับเรื่อง": S.WAITING,
    "กำลังประสานงาน": S.COORDINATING,
    "กำลังดำเนินการ": S.IN_PROGRESS,
    "ส่งต่อ": S.FORWARDED,
    "ส่งต่อ(ใหม่)": S.FORWARDED,
    "ส่งเรื่องแล้ว": S.FORWARDED,
    "เชิญร่วม": S.INVITED,
    "ไม่เกี่ยวข้อง": S.NOT_RELEVANT,
    "เสร็จสิ้น": S.FINISHED,
    "ของบประมาณ": S.IN_PROGRESS,
    "": S.WAITING,
}

# Colours that also carry text on every page (WCAG: never colour alone).
TONE = {
    S.WAITING: "new",
    S.REOPENED: "new",
    S.COORDINATING: "work",
    S.IN_PROGRESS: "work",
    S.FORWARDED: "work",
    S.INVITED: "work",
    S.FINISHED: "done",
    S.CONFIRMED: "done",
    S.NOT_RELEVANT: "closed",
    S.DUPLICATE: "closed",
    S.CLOSED_UNFIXED: "closed",
}


def is_open(status: str) -> bool:
    return status in OPEN


def allowed_for_staff(status: str) -> set[str]:
    return STAFF_TRANSITIONS.get(status, set())


def allowed_for_reporter(status: str) -> set[str]:
    return REPORTER_TRANSITIONS.get(status, set())
