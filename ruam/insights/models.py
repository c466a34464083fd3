"""Figures kept ready: report tallies (aggregates) and background exports.

A tally row counts the reports received on one day (or, for days before ``cube.horizon()``, in
one month, stored on its first day) that share a district, a status and — in the finer
tallies — a แขวง, a first category, an area, a channel or an H3 hexagon. Each row carries the
measures a page needs (how many, reopened, rated and their stars, fixes whose time is known,
within the deadline, and a histogram of days to fix), so a page sums a few hundred rows instead
of reading reports. ``ruam.insights.cube`` keeps them: rebuilt whole after a bulk import,
recounted one district and day (or month) at a time after a report moves.

Plain columns, not foreign keys: these rows are derived data, rewritten in bulk, and must not
hold up deleting or renaming what they count.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Days to fix: the histogram's upper edges (the last bucket is "a year or more").
FIX_EDGES = (1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 180, 365)
BUCKETS = len(FIX_EDGES) + 1
HISTOGRAM = tuple(f"h{i}" for i in range(BUCKETS))
MEASURES = (
    "received",
    "reopened",
    "rated",
    "stars",
    "fix_known",
    "fix_deadline_known",
    "fix_on_time",
    "fix_seconds",
    *HISTOGRAM,
)


class Measures(models.Model):
    """What is counted in every tally row."""

    day = models.DateField()
    district = models.CharField(max_length=8)
    status = models.CharField(max_length=16)
    received = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    stars = models.PositiveIntegerField(default=0)
    fix_known = models.PositiveIntegerField(default=0)
    fix_deadline_known = models.PositiveIntegerField(default=0)
    fix_on_time = models.PositiveIntegerField(default=0)
    fix_seconds = models.BigIntegerField(default=0)
    h0 = models.PositiveIntegerField(default=0)
    h1 = models.PositiveIntegerField(default=0)
    h2 = models.PositiveIntegerField(default=0)
    h3 = models.PositiveIntegerField(default=0)
    h4 = models.PositiveIntegerField(default=0)
    h5 = models.PositiveIntegerField(default=0)
    h6 = models.PositiveIntegerField(default=0)
    h7 = models.PositiveIntegerField(default=0)
    h8 = models.PositiveIntegerField(default=0)
    h9 = models.PositiveIntegerField(default=0)
    h10 = models.PositiveIntegerField(default=0)
    h11 = models.PositiveIntegerField(default=0)
    h12 = models.PositiveIntegerField(default=0)
    h13 = models.PositiveIntegerField(default=0)
    h14 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DistrictTally(Measures):
    """Per day (or month), district and status: district pages and the comparisons."""

    class Meta:
        indexes = [models.Index(fields=["district", "day"], name="districttally_district_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.district} {self.status}: {self.received}"


class ReportTally(Measures):
    """Per day (or month), แขวง, first category, area, channel and status: the dashboards'
    filters."""

    subdistrict = models.CharField(max_length=8, blank=True)
    category = models.PositiveIntegerField(default=0)  # 0: none
    area = models.PositiveSmallIntegerField(default=0)  # 0: none
    channel = models.CharField(max_length=10)

    class Meta:
        indexes = [models.Index(fields=["district", "day"], name="reporttally_district_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.district} {self.category} {self.status}: {self.received}"


class HexTally(models.Model):
    """Per day (or month), H3 hexagon (resolution 8, about 0.7 km²), แขวง, first category and
    open or not: the hotspots map."""

    day = models.DateField()
    district = models.CharField(max_length=8)
    subdistrict = models.CharField(max_length=8, blank=True)
    category = models.PositiveIntegerField(default=0)
    hex = models.BigIntegerField()
    is_open = models.BooleanField(default=False)
    received = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["district", "day"], name="hextally_district_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.district} {self.hex:x}: {self.received}"


class HexTotal(models.Model):
    """``HexTally`` summed over แขวง and category: the map when those filters are not used
    (about a sixth of the rows, so a group's or the city's map reads few)."""

    day = models.DateField()
    district = models.CharField(max_length=8)
    hex = models.BigIntegerField()
    is_open = models.BooleanField(default=False)
    received = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["district", "day"], name="hextotal_district_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.district} {self.hex:x}: {self.received}"


def export_path(instance: Export, filename: str) -> str:
    return f"exports/{instance.pk}/{filename}"


class Export(models.Model):
    """A large export made in the background; its page says how far it is and gives the file."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("what"), max_length=40)
    format = models.CharField(_("format"), max_length=8)
    params = models.JSONField(_("filters"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="waiting")
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    created = models.DateTimeField(_("requested"), default=timezone.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} ({self.state})"
