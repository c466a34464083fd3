"""Committee issues (ประเด็น): what a district committee takes up and drives to a result.

An issue gathers the reports behind it, the plan items it serves, residents' support and
comments, and one timeline of everything that happened to it — including the meetings that
discussed it and the actions they created.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruam.core.timeline import TimelineEvent
from ruam.issues.statuses import OPEN, TONE, IssueStatus


class Issue(models.Model):
    class Kind(models.TextChoices):
        DEVELOPMENT = "development", _("development issue")  # ประเด็นการพัฒนา
        PROBLEM = "problem", _("problem issue")  # ประเด็นการแก้ไข

    class Source(models.TextChoices):
        RESIDENT = "resident", _("a resident's proposal")
        MEMBER = "member", _("a committee member")
        HOTSPOT = "hotspot", _("a hotspot of reports")
        REPORTS = "reports", _("reports")

    body = models.ForeignKey(
        "bodies.Body", models.PROTECT, related_name="issues", verbose_name=_("body")
    )
    district = models.ForeignKey(
        "geo.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("district"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    area = models.ForeignKey(
        "framework.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("area"),
    )
    plan_items = models.ManyToManyField(
        "framework.PlanItem", blank=True, related_name="issues", verbose_name=_("plan items")
    )
    reports = models.ManyToManyField(
        "reports.Report", blank=True, related_name="issues", verbose_name=_("reports")
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    source = models.CharField(_("came from"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.PROPOSED
    )
    status_note = models.TextField(_("reason"), blank=True)
    escalated_to = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_issues",
        verbose_name=_("escalated to"),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_issues",
        verbose_name=_("proposed by"),
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["district", "status"], name="issue_district_status")]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("issues:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def point_geojson(self) -> dict | None:
        if self.lat is None or self.lon is None:
            return None
        return {"type": "Point", "coordinates": [self.lon, self.lat]}

    @property
    def tone(self) -> str:
        return TONE.get(self.status, "new")


class IssueEvent(TimelineEvent):
    """An issue's timeline (``ruam.core.timeline``): reports linked, meetings that discussed
    it, resolutions, actions and their progress, every change of status."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        STATUS = "status", _("status changed")
        REPORT_LINKED = "report", _("report linked")
        DISCUSSED = "discussed", _("discussed at a meeting")
        RESOLUTION = "resolution", _("resolution")
        ACTION = "action", _("action assigned")
        ACTION_PROGRESS = "progress", _("action progress")
        COMMENT_HIDDEN = "hidden", _("comment hidden")
        ATTACHED = "attached", _("document attached")

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=IssueStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=IssueStatus.choices, blank=True)
    meeting_id = models.BigIntegerField(null=True, blank=True)
    action_id = models.BigIntegerField(null=True, blank=True)
    report = models.ForeignKey(
        "reports.Report", models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")

    def __str__(self) -> str:
        return f"{self.issue_id} {self.kind}"


class Support(models.Model):
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.issue_id} +1"


class Comment(models.Model):
    """A resident's or member's comment. Hidden ones keep their text for the audit trail."""

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    text = models.TextField(_("comment"), max_length=4000)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Follower(models.Model):
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.issue_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"issues/{instance.issue_id}/{filename}"


class Attachment(models.Model):
    """A document or photo attached to an issue: PDFs as sent, images re-encoded without EXIF."""

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title
