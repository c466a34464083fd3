"""A committee issue's lifecycle (PRODUCT.md): เสนอ → คัดกรอง → บรรจุวาระ → มีมติ → ดำเนินการ →
เสร็จสิ้น → ยืนยันผล, or ไม่รับ (with a reason) or เสนอต่อกลุ่มเขต."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # เสนอ
    SCREENING = "screening", _("Screening")  # คัดกรอง
    ON_AGENDA = "on_agenda", _("On the agenda")  # บรรจุวาระ
    RESOLVED = "resolved", _("Resolved")  # มีมติ
    IN_PROGRESS = "in_progress", _("In progress")  # ดำเนินการ
    DONE = "done", _("Done")  # เสร็จสิ้น
    VERIFIED = "verified", _("Result verified")  # ยืนยันผล
    DECLINED = "declined", _("Declined")  # ไม่รับ
    ESCALATED = "escalated", _("Escalated to the district group")  # เสนอต่อกลุ่มเขต


S = IssueStatus
TRANSITIONS: dict[str, set[str]] = {
    S.PROPOSED: {S.SCREENING, S.ON_AGENDA, S.DECLINED, S.ESCALATED},
    S.SCREENING: {S.ON_AGENDA, S.DECLINED, S.ESCALATED},
    S.ON_AGENDA: {S.RESOLVED, S.SCREENING, S.DECLINED, S.ESCALATED},
    S.RESOLVED: {S.IN_PROGRESS, S.DONE, S.ESCALATED},
    S.IN_PROGRESS: {S.DONE, S.ESCALATED},
    S.DONE: {S.VERIFIED, S.IN_PROGRESS},
    S.VERIFIED: set(),
    S.DECLINED: {S.SCREENING},
    S.ESCALATED: {S.ON_AGENDA, S.DECLINED, S.SCREENING},
}
NEEDS_REASON = {S.DECLINED, S.ESCALATED}
OPEN = {S.PROPOSED, S.SCREENING, S.ON_AGENDA, S.RESOLVED, S.IN_PROGRESS, S.ESCALATED}
TONE = {
    S.PROPOSED: "new",
    S.SCREENING: "new",
    S.ON_AGENDA: "work",
    S.RESOLVED: "work",
    S.IN_PROGRESS: "work",
    S.ESCALATED: "work",
    S.DONE: "done",
    S.VERIFIED: "done",
    S.DECLINED: "closed",
}
