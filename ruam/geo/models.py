"""Bangkok's places: 6 district groups, 50 districts, 180 แขวง, ~2,000 communities.

Codes are DOPA's (district 1001–1050, แขวง = district code + 2 digits) and are the keys: join on
codes, never on names (the upstream data has spelling slips in names).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ruam.core.models import BilingualNameMixin


class DistrictGroup(BilingualNameMixin, models.Model):
    """กลุ่มเขต: BMA's six groups of districts."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_th_bma = models.CharField(_("BMA name (Thai)"), max_length=100, blank=True)
    name_en_bma = models.CharField(_("BMA name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district group")
        verbose_name_plural = _("district groups")

    def get_absolute_url(self) -> str:
        return reverse("site:group", args=[self.code])

    @property
    def boundary(self) -> dict | None:
        return Boundary.geometry_of(Boundary.Kind.GROUP, self.code)


class District(BilingualNameMixin, models.Model):
    """เขต."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    group = models.ForeignKey(
        DistrictGroup, models.PROTECT, related_name="districts", verbose_name=_("district group")
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=3, null=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def get_absolute_url(self) -> str:
        return reverse("site:district", args=[self.code])

    @property
    def boundary(self) -> dict | None:
        return Boundary.geometry_of(Boundary.Kind.DISTRICT, self.code)

    @property
    def full_name_th(self) -> str:
        return f"เขต{self.name_th}"


class Subdistrict(BilingualNameMixin, models.Model):
    """แขวง."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    district = models.ForeignKey(
        District, models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("subdistrict (khwaeng)")
        verbose_name_plural = _("subdistricts (khwaeng)")


class Community(models.Model):
    """ชุมชน registered with BMA."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("urban community")
        CROWDED = "crowded", _("crowded community")
        SUBURBAN = "suburban", _("suburban community")
        HIGH_RISE = "high_rise", _("high-rise community")

    source_no = models.PositiveIntegerField(_("number in source"), unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    district = models.ForeignKey(
        District, models.PROTECT, related_name="communities", verbose_name=_("district")
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="communities",
        null=True,
        blank=True,
        verbose_name=_("subdistrict (khwaeng)"),
    )

    class Meta:
        ordering = ["district_id", "subdistrict_id", "name_th"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name_th


class Boundary(models.Model):
    """The outline of a district or group, as GeoJSON.

    Kept apart from District so that the many queries that join a district (every report
    list) never carry tens of kilobytes of coordinates along.
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        GROUP = "group", _("district group")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=4)
    geometry = models.JSONField(_("boundary (GeoJSON)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="boundary_kind_code")]
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"

    @classmethod
    def geometry_of(cls, kind: str, code: str) -> dict | None:
        return cls.objects.filter(kind=kind, code=code).values_list("geometry", flat=True).first()
