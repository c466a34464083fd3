"""Meetings of committees, working groups and district groups: agenda in the standard Thai order,
attendance and quorum, minutes per item, resolutions (มติ) and the actions they assign."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ruam.core.timeline import TimelineEvent


class Section(models.IntegerChoices):
    """ระเบียบวาระ: the order every Thai government meeting follows."""

    CHAIR = 1, _("Matters the chair informs the meeting of")  # เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
    PREVIOUS_MINUTES = 2, _("Approval of the previous meeting's minutes")  # รับรองรายงานการประชุม
    FOLLOW_UP = 3, _("Matters arising")  # เรื่องสืบเนื่อง
    FOR_DECISION = 4, _("Matters for consideration")  # เรื่องเพื่อพิจารณา
    OTHER = 5, _("Other matters")  # เรื่องอื่น ๆ


SECTION_TH = {
    1: "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
    2: "รับรองรายงานการประชุมครั้งที่แล้ว",
    3: "เรื่องสืบเนื่อง",
    4: "เรื่องเพื่อพิจารณา",
    5: "เรื่องอื่น ๆ",
}


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    body = models.ForeignKey(
        "bodies.Body", models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    number = models.PositiveSmallIntegerField(_("number in the year"))
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chaired by"),
    )
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous meeting"),
    )
    minutes_approved = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    opened_at = models.TimeField(_("opened at"), null=True, blank=True)
    closed_at = models.TimeField(_("closed at"), null=True, blank=True)
    minutes_by = models.CharField(_("minutes taken by"), max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "number"], name="meeting_number")
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def shown_title(self) -> str:
        """The title in the page's language: a title Ruam made reads in English too (one a
        person typed is shown as typed)."""
        if (get_language() or "th").startswith("en") and self.title == self.generated_title():
            return f"Meeting {self.number}/{self.year}: {self.body.name_en or self.body.name_th}"
        return self.title

    def generated_title(self) -> str:
        return f"การประชุม{self.body.name_th} ครั้งที่ {self.number}/{self.year}"

    @property
    def attendance(self) -> models.QuerySet[Attendance]:
        """The attendance as last recorded (earlier records are kept, marked replaced)."""
        return self.attendance_records.filter(replaced__isnull=True)


class Invitation(models.Model):
    class Group(models.TextChoices):
        MEMBER = "member", _("member")
        OFFICIAL = "official", _("district official")
        DEPARTMENT = "department", _("central department")
        GUEST = "guest", _("guest")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        LEAVE = "leave", _("on leave")
        GUEST = "guest", _("guest")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance_records")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    is_member = models.BooleanField(_("counts for quorum"), default=False)
    # When a later record of the meeting's attendance took this one's place (history is kept).
    replaced = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="items")
    section = models.PositiveSmallIntegerField(_("section"), choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    issue = models.ForeignKey(
        "issues.Issue",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("issue"),
    )
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.section}.{self.order} {self.title}"

    @property
    def number(self) -> str:
        return f"{self.section}.{self.order}"

    @property
    def shown_title(self) -> str:
        """The title in the page's language, for the items Ruam writes itself."""
        if (get_language() or "th").startswith("en"):
            match = _PREVIOUS_MINUTES.fullmatch(self.title)
            if match:
                return f"Approval of the minutes of meeting {match.group(1)}"
        return self.title


_PREVIOUS_MINUTES = re.compile(r"รับรองรายงานการประชุม ครั้งที่ (\d+/\d+)")


class Resolution(models.Model):
    """มติที่ประชุม on one agenda item."""

    item = models.ForeignKey(AgendaItem, models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Action(models.Model):
    """งานที่มอบหมาย: a resolution's action, owned by a division or body, with a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    resolution = models.ForeignKey(
        Resolution, models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    issue = models.ForeignKey(
        "issues.Issue", models.CASCADE, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "bodies.Body", models.PROTECT, related_name="actions", verbose_name=_("owner")
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    overdue_notified = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status in {self.Status.OPEN, self.Status.IN_PROGRESS} and (
            self.due < timezone.localdate()
        )


class ActionEvent(TimelineEvent):
    """An action's timeline: assigned, each progress report (with its percentage), done."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        PROGRESS = "progress", _("progress reported")

    action = models.ForeignKey(Action, models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PROGRESS)
    from_status = models.CharField(
        _("from"), max_length=16, choices=Action.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Action.Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("action event")
        verbose_name_plural = _("action events")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.get_kind_display()} {self.progress or ''}".strip()


class MeetingEvent(TimelineEvent):
    """A meeting's timeline: scheduled, its agenda, attendance as recorded each time, every
    version of an item's minutes, resolutions, held or cancelled, its minutes approved."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        INVITED = "invited", _("invitations sent")
        ITEM_ADDED = "item", _("put on the agenda")
        ATTENDANCE = "attendance", _("attendance recorded")
        MINUTES = "minutes", _("minutes recorded")
        RESOLUTION = "resolution", _("resolution")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")
        APPROVED = "approved", _("minutes approved")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=Meeting.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Meeting.Status.choices, blank=True)
    # The agenda item a minutes version, an item added or a resolution belongs to.
    item = models.ForeignKey(
        AgendaItem, models.SET_NULL, null=True, blank=True, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.get_kind_display()}"
