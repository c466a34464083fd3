"""The city's frame of reference: the six areas, the plan tree, Traffy's categories, routing.

All of it is data an administrator edits, not code: new plan levels (the "22 urgent goals", the
20-year plan …) are PlanKinds, their items PlanItems, linked without a code change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ruam.core.models import BilingualNameMixin


class Area(BilingualNameMixin, models.Model):
    """ด้าน: one of the six areas a committee works in."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    slogan_th = models.CharField(_("slogan (Thai)"), max_length=200, blank=True)
    slogan_en = models.CharField(_("slogan (English)"), max_length=200, blank=True)
    examples_th = models.TextField(_("examples (Thai)"), blank=True)
    examples_en = models.TextField(_("examples (English)"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class PlanKind(BilingualNameMixin, models.Model):
    """A level of plan: dimension (ด้าน 9 ดี), development issue, urgent goal, 20-year plan …"""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("plan level")
        verbose_name_plural = _("plan levels")


class PlanItem(BilingualNameMixin, models.Model):
    """One node of the policy tree; children may be of another kind (dimension → issue)."""

    kind = models.ForeignKey(
        PlanKind, models.PROTECT, related_name="items", verbose_name=_("plan level")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=50)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["kind__order", "order", "number", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="planitem_kind_code")]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A plan item cannot be its own ancestor.")})
            ancestor = ancestor.parent


class Category(BilingualNameMixin, models.Model):
    """ประเภทปัญหา: Traffy Fondue's labels, so imported and native reports mean the same."""

    name_th = models.CharField(_("name (Thai)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    area = models.ForeignKey(
        Area, models.PROTECT, related_name="categories", verbose_name=_("area")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("development issue"),
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days)"), default=15)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class RoutingRule(models.Model):
    """Category × district → the division that takes the report first.

    A rule without a district is the city-wide default; a district's own rule overrides it.
    """

    category = models.ForeignKey(
        Category, models.CASCADE, related_name="routing_rules", verbose_name=_("category")
    )
    district = models.ForeignKey(
        "geo.District",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("district"),
        help_text=_("Empty: the default for every district."),
    )
    division_type = models.ForeignKey(
        "bodies.DivisionType",
        models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("division"),
    )
    department = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("central department"),
        limit_choices_to={"kind": "department"},
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (days)"), null=True, blank=True, help_text=_("Empty: the category's.")
    )

    class Meta:
        ordering = ["category__name_th", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "district"], name="routing_category_district"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(district__isnull=True),
                name="routing_category_default",
            ),
        ]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        where = self.district.name if self.district_id else _("all districts")
        return f"{self.category} · {where} → {self.division_type}"

    @property
    def effective_deadline_days(self) -> int:
        return self.deadline_days or self.category.deadline_days
