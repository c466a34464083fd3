"""Residents' reports (เรื่องแจ้ง): one record from intake to a confirmed fix.

Every change of a report is a ReportEvent (who, when, from → to, note, photos): the public
timeline and the audit trail are the same rows. Personal data of the reporter lives only in the
``contact_*`` fields and ``reporter``, which no public page, export or API ever reads.
"""

from __future__ import annotations

import hashlib
import secrets

import numpy as np
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruam.core.timeline import TimelineEvent
from ruam.reports.statuses import OPEN, TONE, Status, is_open
from ruam.thai.redact import redact

# Crockford-like alphabet without 0/1/I/L/O/U: nothing to confuse when read aloud or typed.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed ("r7k3-m9qx ") → the stored form ("R7K3M9QX")."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


CELL_DEGREES = 0.0025  # ~270 m: a report's neighbours within 250 m are in its 3 × 3 cells


def grid_cell(lat: float | None, lon: float | None) -> int | None:
    """A square cell of ~270 m that holds the point: an index for "reports near here"."""
    if lat is None or lon is None:
        return None
    return int((lat + 90) / CELL_DEGREES) * 1_000_000 + int((lon + 180) / CELL_DEGREES)


def grid_cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """``grid_cell`` of many points at once (the same arithmetic, so the same cells)."""
    rows = ((lat + 90) / CELL_DEGREES).astype(np.int64)
    return rows * 1_000_000 + ((lon + 180) / CELL_DEGREES).astype(np.int64)


def neighbour_cells(lat: float, lon: float) -> list[int]:
    row, col = int((lat + 90) / CELL_DEGREES), int((lon + 180) / CELL_DEGREES)
    return [(row + dr) * 1_000_000 + col + dc for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def new_reporter_key() -> str:
    """A secret for an anonymous reporter's private link; only its hash is stored."""
    return secrets.token_urlsafe(16)


class Channel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    LINE = "line", _("LINE")
    IMPORT = "import", _("import")
    ASSISTED = "assisted", _("assisted entry")


class Report(models.Model):
    # Unique by a constraint in Meta, not unique=True: on PostgreSQL that would add a second
    # index (for LIKE) that nothing uses, written on every insert.
    code = models.CharField(_("tracking code"), max_length=12, default=new_code)
    description = models.TextField(_("description"), max_length=4000)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    cell = models.BigIntegerField(null=True, blank=True, editable=False)
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    district = models.ForeignKey(
        "geo.District",
        models.PROTECT,
        related_name="reports",
        verbose_name=_("district"),
        db_index=False,
    )
    subdistrict = models.ForeignKey(
        "geo.Subdistrict",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("subdistrict (khwaeng)"),
        db_index=False,  # a plain index in Meta (a foreign key to a text key gets two)
    )
    categories = models.ManyToManyField(
        "framework.Category", blank=True, related_name="reports", verbose_name=_("categories")
    )
    area = models.ForeignKey(
        "framework.Area",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("area"),
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    # Personal data (PDPA): never public.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reporter"),
        db_index=False,  # partial index in Meta: most reports (imports, API) have none
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent notice version"), max_length=20, blank=True)
    reporter_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    # A LINE user's id (LINE channel), used only to tell them of progress, with their consent.
    contact_line_id = models.CharField(_("LINE user id"), max_length=64, blank=True)
    # Assisted entry: the official or volunteer who read the consent notice to the resident.
    consent_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent taken by"),
        db_index=False,
    )
    # The program (API key) that sent it: its client may send the reporter's updates.
    api_key = models.ForeignKey(
        "accounts.ApiKey",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by program"),
        db_index=False,
    )

    responsible = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_reports",
        verbose_name=_("responsible body"),
        db_index=False,
    )
    department = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="department_reports",
        verbose_name=_("central department"),
        db_index=False,
    )
    invited = models.ManyToManyField(
        "bodies.Body", blank=True, related_name="invited_reports", verbose_name=_("invited bodies")
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    overdue_notified = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    status_changed = models.DateTimeField(_("status changed"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    supporter_count = models.PositiveIntegerField(_("supporters"), default=0)
    duplicate_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
        db_index=False,
    )
    # NULL, not "", for native reports: the unique constraint then covers imports only.
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)  # noqa: DJ001
    # Photos of imported tickets stay where their source keeps them; Ruam links, never fetches.
    external_photo_url = models.URLField(_("photo (external)"), max_length=500, blank=True)
    external_after_photo_url = models.URLField(
        _("after-photo (external)"), max_length=500, blank=True
    )
    created = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["district", "status", "created"], name="report_district_status"),
            models.Index(fields=["responsible", "status"], name="report_responsible_status"),
            models.Index(fields=["cell", "created"], name="report_cell_created"),
            # Only open reports can be overdue: closed ones (most imports) stay out of it.
            models.Index(
                fields=["deadline"],
                name="report_open_deadline",
                condition=models.Q(status__in=sorted(OPEN)),  # sorted: a set's order varies
            ),
            models.Index(fields=["subdistrict"], name="report_subdistrict"),
            models.Index(
                fields=["reporter"],
                name="report_reporter",
                condition=models.Q(reporter__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="report_code_unique"),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="report_channel_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_5",
            ),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.display_code} {self.summary}"

    def save(self, *args, **kwargs) -> None:
        self.cell = grid_cell(self.lat, self.lon)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.code])

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}" if len(self.code) == CODE_LENGTH else self.code

    @property
    def public_description(self) -> str:
        """The description as published: contact details typed into it replaced (PDPA)."""
        return redact(self.description)

    @property
    def summary(self) -> str:
        """A line of the public description (lists, search, notices)."""
        text = " ".join(self.public_description.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_open(self) -> bool:
        return is_open(self.status)

    @property
    def tone(self) -> str:
        return TONE.get(self.status, "new")

    @property
    def point_geojson(self) -> dict | None:
        if self.lat is None or self.lon is None:
            return None
        return {"type": "Point", "coordinates": [self.lon, self.lat]}

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.is_open and self.deadline < timezone.now())

    def reporter_key_matches(self, key: str | None) -> bool:
        return bool(key and self.reporter_key_hash) and secrets.compare_digest(
            hash_key(key), self.reporter_key_hash
        )


class ReportEvent(TimelineEvent):
    """A report's timeline (``ruam.core.timeline``): its public history and its audit trail."""

    class Kind(models.TextChoices):
        CREATED = "created", _("reported")
        STATUS = "status", _("status changed")
        FORWARDED = "forwarded", _("forwarded")
        INVITED = "invited", _("invited another body")
        CONFIRMED = "confirmed", _("fix confirmed")
        REOPENED = "reopened", _("reopened")
        RATED = "rated", _("rated")
        SUPPORTED = "supported", _("supported")
        DUPLICATE = "duplicate", _("marked duplicate")
        NOT_DUPLICATE = "not_duplicate", _("not a duplicate")
        NOTE = "note", _("note")
        SUGGESTED = "suggested", _("categories suggested")
        CATEGORIES = "categories", _("categories set")

    report = models.ForeignKey(
        Report, models.CASCADE, related_name="events", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_events",
        verbose_name=_("by"),
        db_index=False,  # partial indexes in Meta: imports and API reports have no actor
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    target_body = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to body"),
        db_index=False,  # nothing looks events up by it; every event paid for the index
    )

    class Meta(TimelineEvent.Meta):
        indexes = [
            models.Index(
                fields=["actor"], name="reportevent_actor", condition=models.Q(actor__isnull=False)
            ),
            models.Index(
                fields=["actor_body"],
                name="reportevent_actor_body",
                condition=models.Q(actor_body__isnull=False),
            ),
        ]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report.display_code} {self.get_kind_display()}"


def photo_path(instance: ReportPhoto, filename: str) -> str:
    day = timezone.now()
    return f"reports/{day:%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("photo from the report")
        AFTER = "after", _("after the fix")
        PROGRESS = "progress", _("progress")

    report = models.ForeignKey(
        Report, models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    event = models.ForeignKey(
        ReportEvent,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    image = models.FileField(_("image"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.report.display_code} {self.get_kind_display()}"


class Supporter(models.Model):
    """ "This is mine too": a resident who has the same problem, instead of a new report."""

    report = models.ForeignKey(
        Report, models.CASCADE, related_name="supporters", verbose_name=_("report")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="supported_reports",
        verbose_name=_("user"),
    )
    fingerprint = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="supporter_report_user"),
            models.UniqueConstraint(
                fields=["report", "fingerprint"],
                condition=~models.Q(fingerprint=""),
                name="supporter_report_fingerprint",
            ),
        ]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")

    def __str__(self) -> str:
        return f"{self.report.display_code} +1"


class IdempotencyKey(models.Model):
    """An API client's Idempotency-Key: the same create sent twice makes one report."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    report = models.ForeignKey(Report, models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class DuplicateSuggestion(models.Model):
    """A probable duplicate found by Ruam, for staff to confirm or dismiss (never merged
    silently)."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed")

    report = models.ForeignKey(
        Report, models.CASCADE, related_name="duplicate_suggestions", verbose_name=_("report")
    )
    original = models.ForeignKey(
        Report, models.CASCADE, related_name="+", verbose_name=_("probable original")
    )
    score = models.FloatField(_("score"))
    text_similarity = models.FloatField(_("text similarity"))
    distance_m = models.FloatField(_("distance (m)"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUGGESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["report", "original"], name="duplicate_pair")
        ]
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")

    def __str__(self) -> str:
        return f"{self.report.display_code} ~ {self.original.display_code} ({self.score:.2f})"


class ContactAccess(models.Model):
    """Someone saw a reporter's contact details (PDPA): every view by staff is logged, with who,
    when, which report and where; administrators read the log in the admin."""

    class Where(models.TextChoices):
        INBOX = "inbox", _("report's staff page")
        ADMIN = "admin", _("administration")

    report = models.ForeignKey(
        Report, models.CASCADE, related_name="contact_accesses", verbose_name=_("report")
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("seen by"),
    )
    where = models.CharField(_("where"), max_length=8, choices=Where.choices)
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("view of contact details")
        verbose_name_plural = _("views of contact details")

    def __str__(self) -> str:
        return f"{self.report.display_code} {self.viewer} {self.created:%Y-%m-%d %H:%M}"


# The classifier's labels, suggestions and versions (a module of their own: this one is long).
from ruam.reports.learning_models import (  # noqa: E402, F401
    CategoryLabel,
    CategorySuggestion,
    ClassifierSwitch,
    ClassifierVersion,
)
