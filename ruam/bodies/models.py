"""Who acts: committees, working groups, district offices and their divisions, central departments,
district-group meetings — all Bodies of a kind — and the people in them, by Membership.

A person can hold several memberships (a member of one committee, secretary of a working group);
a membership has a role and a term, and only a current one grants anything (see ``rules.py``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruam.core.models import BilingualNameMixin, TimeStampedModel


class DivisionType(BilingualNameMixin, models.Model):
    """ฝ่าย of a district office (ฝ่ายโยธา …): the same kinds in every district."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=150, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("division type")
        verbose_name_plural = _("division types")


class Body(BilingualNameMixin, TimeStampedModel):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("district committee")
        WORKING_GROUP = "working_group", _("working group")
        GROUP_MEETING = "group_meeting", _("district-group committee")
        DISTRICT_OFFICE = "district_office", _("district office")
        DIVISION = "division", _("division")
        DEPARTMENT = "department", _("central department")
        CITY = "city", _("city administration")
        # A company, a volunteer group (อาสาจักรยาน …) or a community that works with a
        # district: it may own actions and record programme figures.
        PARTNER = "partner", _("partner (outside government)")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_th = models.CharField(_("name (Thai)"), max_length=250)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    district = models.ForeignKey(
        "geo.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("district"),
    )
    group = models.ForeignKey(
        "geo.DistrictGroup",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("district group"),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    area = models.ForeignKey(
        "framework.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("area"),
        help_text=_("For a working group: the area it works in."),
    )
    division_type = models.ForeignKey(
        DivisionType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("division type"),
    )
    is_demo = models.BooleanField(_("demo"), default=False)
    # A partner's contact person: personal data (PDPA), for staff only, never on public pages,
    # exports or API answers.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    class Meta:
        ordering = ["kind", "district_id", "code"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def clean(self) -> None:
        needs_district = {self.Kind.COMMITTEE, self.Kind.DISTRICT_OFFICE, self.Kind.DIVISION}
        if self.kind in needs_district and not self.district_id:
            raise ValidationError({"district": _("This kind of body belongs to a district.")})
        if self.kind == self.Kind.GROUP_MEETING and not self.group_id:
            raise ValidationError({"group": _("A district-group committee needs its group.")})
        if self.kind == self.Kind.DIVISION and not self.division_type_id:
            raise ValidationError({"division_type": _("A division needs its division type.")})

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.COMMITTEE and self.district_id:
            return reverse("bodies:committee", args=[self.district_id])
        if self.district_id:
            return reverse("site:district", args=[self.district_id])
        if self.group_id:
            return reverse("site:group", args=[self.group_id])
        return reverse("site:home")

    def current_memberships(self, on: dt.date | None = None) -> models.QuerySet[Membership]:
        return self.memberships.current(on).select_related("person")


class Role(models.TextChoices):
    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice chair")
    MEMBER = "member", _("member")
    SECRETARY = "secretary", _("secretary")
    ASSISTANT_SECRETARY = "assistant_secretary", _("assistant secretary")
    DIRECTOR = "director", _("director")
    ASSISTANT_DIRECTOR = "assistant_director", _("assistant director")
    HEAD = "head", _("head of division")
    OFFICIAL = "official", _("official")
    ADVISOR = "advisor", _("advisor")


# The order in which a committee lists its people, as Thai orders of appointment do.
ROLE_ORDER = [
    Role.CHAIR,
    Role.VICE_CHAIR,
    Role.MEMBER,
    Role.ADVISOR,
    Role.SECRETARY,
    Role.ASSISTANT_SECRETARY,
    Role.DIRECTOR,
    Role.ASSISTANT_DIRECTOR,
    Role.HEAD,
    Role.OFFICIAL,
]


class MembershipQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(start__lte=on).filter(models.Q(end__isnull=True) | models.Q(end__gte=on))


class Membership(TimeStampedModel):
    """A person's role in a body for a term (ตำแหน่ง, วาระ)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    body = models.ForeignKey(
        Body, models.CASCADE, related_name="memberships", verbose_name=_("body")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    title_th = models.CharField(
        _("title (Thai)"),
        max_length=200,
        blank=True,
        help_text=_("As written in the order of appointment, if it says more than the role."),
    )
    start = models.DateField(_("term starts"), default=timezone.localdate)
    end = models.DateField(_("term ends"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="membership_term_order",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.body}"

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("A term cannot end before it starts.")})

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start <= today and (self.end is None or self.end >= today)
