"""Programmes (โครงการ), their targets (เป้าหมาย) and results (ผลการดำเนินงาน).

A programme is what the city (or one district) promised: a unit, a direction, a period, an
owner, targets per district and year. Districts record what they achieved as Measurements with
evidence; the owner or the committee's secretary verifies them; a correction is a new entry and
the old one is kept, superseded. Some programmes are not typed but computed from residents'
reports (a category, the statuses that count, an aggregation), recounted district by district
as reports move.

Progress is kept in ``Progress`` rows (one per programme and district, and one for the city),
written whenever a figure changes, so that pages read a handful of rows and never count reports.
The plan tree (``framework.PlanItem``) gets indicators (``PlanIndicator``) and weights here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ruam.core.models import BilingualNameMixin, TimeStampedModel
from ruam.core.timeline import TimelineEvent

DECIMAL = {"max_digits": 16, "decimal_places": 2}


class Programme(BilingualNameMixin, TimeStampedModel):
    class Direction(models.TextChoices):
        MORE = "more", _("more is better")
        LESS = "less", _("less is better")

    class Accumulation(models.TextChoices):
        SUM = "sum", _("each figure adds to the total")
        LATEST = "latest", _("each figure replaces the last (a level)")

    class Source(models.TextChoices):
        TYPED = "typed", _("recorded by staff")
        COMPUTED = "computed", _("computed from reports")

    class Aggregation(models.TextChoices):
        COUNT = "count", _("number of reports")
        MEDIAN_DAYS = "median_days", _("median days to fix")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        "framework.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("area"),
    )
    plan_items = models.ManyToManyField(
        "framework.PlanItem", blank=True, related_name="programmes", verbose_name=_("plan items")
    )
    # The committee issues this programme moves (an issue's page lists them through this).
    issues = models.ManyToManyField(
        "issues.Issue", blank=True, related_name="programmes", verbose_name=_("committee issues")
    )
    unit_th = models.CharField(_("unit (Thai)"), max_length=100)
    unit_en = models.CharField(_("unit (English)"), max_length=100, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.MORE
    )
    accumulation = models.CharField(
        _("figures"), max_length=6, choices=Accumulation.choices, default=Accumulation.SUM
    )
    starts = models.DateField(_("period starts"), null=True, blank=True)
    ends = models.DateField(_("period ends"), null=True, blank=True)
    owner = models.ForeignKey(
        "bodies.Body",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_programmes",
        verbose_name=_("owner (central department)"),
    )
    owners_text = models.CharField(_("responsible, as published"), max_length=300, blank=True)
    # A district's own programme (the sixth area): never in city totals unless mapped.
    district = models.ForeignKey(
        "geo.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="own_programmes",
        verbose_name=_("district's own"),
    )
    counts_toward = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="district_versions",
        verbose_name=_("counts toward city programme"),
    )
    city_target = models.DecimalField(
        _("city target (explicit)"),
        null=True,
        blank=True,
        **DECIMAL,
        help_text=_("Empty: the sum of the districts' targets."),
    )
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **DECIMAL)
    baseline_note = models.CharField(_("baseline, as published"), max_length=300, blank=True)
    weight = models.DecimalField(_("weight in the plan"), default=1, max_digits=6, decimal_places=2)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_note = models.TextField(_("how the figures were read"), blank=True)
    source = models.CharField(
        _("figures come from"), max_length=8, choices=Source.choices, default=Source.TYPED
    )
    category = models.ForeignKey(
        "framework.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category (computed)"),
    )
    statuses = models.JSONField(
        _("report statuses that count (computed)"), default=list, blank=True
    )
    aggregation = models.CharField(
        _("aggregation (computed)"), max_length=12, choices=Aggregation.choices, blank=True
    )
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["area__number", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.code])

    @property
    def unit(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "th").startswith("en") and self.unit_en:
            return self.unit_en
        return self.unit_th

    @property
    def is_computed(self) -> bool:
        return self.source == self.Source.COMPUTED

    @property
    def in_city_totals(self) -> bool:
        return self.district_id is None


class Target(models.Model):
    """A district's target for a fiscal year (ค.ศ. of the year it ends: 2024 = Oct 2023 –
    Sep 2024), or a placeholder where no official figure exists, marked as such."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="targets")
    district = models.ForeignKey(
        "geo.District", models.CASCADE, related_name="programme_targets", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("fiscal year"))
    value = models.DecimalField(_("target"), **DECIMAL)
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("Not an official figure: replace it.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["programme", "district_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "district", "year"], name="target_programme_district_year"
            )
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.programme.code} {self.district_id} {self.year}: {self.value}"


def evidence_path(instance: Measurement, filename: str) -> str:
    return f"programmes/{instance.programme_id}/{filename}"


class Measurement(models.Model):
    """ผลการดำเนินงาน: a figure achieved, with its evidence; never edited, only superseded."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        VERIFIED = "verified", _("verified")
        SUPERSEDED = "superseded", _("corrected (superseded)")

    class Origin(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("API")
        IMPORT = "import", _("import")
        PUBLISHED = "published", _("published by BMA")
        DEMO = "demo", _("demo")

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="measurements")
    district = models.ForeignKey(
        "geo.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("district"),
        help_text=_("Empty: city-wide (a central department)."),
    )
    body = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("on behalf of"),
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **DECIMAL)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=200, blank=True)
    thumbnail = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    evidence_type = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    corrects = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    origin = models.CharField(_("entered through"), max_length=10, choices=Origin.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["programme", "district", "status"], name="measurement_place"),
            models.Index(fields=["programme", "-date"], name="measurement_latest"),
        ]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.programme.code} {self.district_id or 'city'} {self.date}: {self.value}"

    @property
    def is_current(self) -> bool:
        return self.status != self.Status.SUPERSEDED

    @property
    def is_photo(self) -> bool:
        return self.evidence_type.startswith("image/")


class MeasurementEvent(TimelineEvent):
    """A figure's timeline: recorded, verified, corrected (by which new entry)."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        VERIFIED = "verified", _("verified")
        CORRECTED = "corrected", _("corrected")
        IMPORTED = "imported", _("imported")

    measurement = models.ForeignKey(Measurement, models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("measurement event")
        verbose_name_plural = _("measurement events")

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.kind}"


class TargetEvent(TimelineEvent):
    """A target set or changed (from → to the value), by whom: the audit trail of targets."""

    class Kind(models.TextChoices):
        SET = "set", _("target set")
        IMPORTED = "imported", _("target imported")

    target = models.ForeignKey(Target, models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("target event")
        verbose_name_plural = _("target events")

    def __str__(self) -> str:
        return f"{self.target_id}: {self.from_status} → {self.to_status}"


class ProgrammeEvent(TimelineEvent):
    """A programme's own timeline: created (a district's own), mapped to a city programme."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.kind}"


class Progress(models.Model):
    """A programme's standing in one district (or the city, district empty), kept up to date
    by ``programmes.progress.refresh`` whenever one of its figures changes."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="progress_rows")
    district = models.ForeignKey(
        "geo.District", models.CASCADE, null=True, blank=True, related_name="+"
    )
    target = models.DecimalField(null=True, blank=True, **DECIMAL)
    target_is_placeholder = models.BooleanField(default=False)
    achieved = models.DecimalField(null=True, blank=True, **DECIMAL)
    progress = models.FloatField(null=True, blank=True)
    measured_on = models.DateField(null=True, blank=True)
    measurements = models.PositiveIntegerField(default=0)
    unverified = models.PositiveIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "district"], name="progress_place"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(district__isnull=True),
                name="progress_city",
            ),
        ]
        indexes = [models.Index(fields=["district", "programme"], name="progress_district")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.district_id or 'city'}: {self.progress}"


class PlanIndicator(BilingualNameMixin, models.Model):
    """A KPI a plan item carries (BMA's KPI pages): target and unit, baseline where known,
    the responsible unit, output or outcome; its achieved figure with its date and source, or
    the progress of the programme it follows."""

    class Level(models.TextChoices):
        OUTPUT = "output", _("output")
        OUTCOME = "outcome", _("outcome")

    plan_item = models.ForeignKey(
        "framework.PlanItem", models.CASCADE, related_name="indicators", verbose_name=_("plan item")
    )
    code = models.CharField(_("KPI code"), max_length=50)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit_th = models.CharField(_("unit"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=4,
        choices=Programme.Direction.choices,
        default=Programme.Direction.MORE,
    )
    target = models.DecimalField(_("target"), null=True, blank=True, **DECIMAL)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **DECIMAL)
    achieved = models.DecimalField(_("achieved"), null=True, blank=True, **DECIMAL)
    achieved_on = models.DateField(_("achieved as of"), null=True, blank=True)
    responsible = models.CharField(_("responsible unit"), max_length=300, blank=True)
    programme = models.ForeignKey(
        Programme,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("follows programme"),
    )
    weight = models.DecimalField(_("weight"), default=1, max_digits=6, decimal_places=2)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["plan_item", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan_item", "code"], name="indicator_item_code")
        ]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")


class PlanWeight(models.Model):
    """How much a plan item counts in its parent's progress (Decidim's rule: weighted where
    weights are set, a plain average otherwise)."""

    plan_item = models.OneToOneField(
        "framework.PlanItem", models.CASCADE, related_name="weight", verbose_name=_("plan item")
    )
    weight = models.DecimalField(_("weight"), default=1, max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("plan weight")
        verbose_name_plural = _("plan weights")

    def __str__(self) -> str:
        return f"{self.plan_item_id}: {self.weight}"
