"""What the category classifier learns from Ruam's own work, and the models it learnt.

- ``CategorySuggestion``: categories the classifier suggested for a report, by which model,
  and what became of them (waiting for the division, confirmed, corrected).
- ``CategoryLabel``: categories a person confirmed or chose for a report — who (the reporter,
  an official, a program), when, from which suggestion. ``ruam train-classifier
  --from-database`` learns from the newest label of each report.
- ``ClassifierVersion``: a model trained from those labels, kept in the database so that every
  worker reads the same one; ``ClassifierSwitch``: who made which version active, and when.
  With no version active, the model shipped in ``ruam/data/models`` answers.

Imported by ``ruam.reports.models`` (which is long enough without them).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClassifierVersion(models.Model):
    """A category model trained from the database (the ``.npz`` file, read without pickle)."""

    data = models.BinaryField(_("model file"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    labels = models.JSONField(_("categories"), default=list)
    summary = models.JSONField(_("what training measured"), default=dict)
    examples = models.PositiveIntegerField(_("tickets learnt"), default=0)
    database_labels = models.PositiveIntegerField(_("labels from Ruam"), default=0)
    test_from = models.DateTimeField(_("newest weeks from"), null=True, blank=True)
    micro_f1 = models.FloatField(_("micro-F1 (newest weeks)"), null=True, blank=True)
    macro_f1 = models.FloatField(_("macro-F1 (newest weeks)"), null=True, blank=True)
    active_micro_f1 = models.FloatField(_("micro-F1 of the model active then"), null=True)
    active_macro_f1 = models.FloatField(_("macro-F1 of the model active then"), null=True)
    accepted = models.BooleanField(
        _("accepted"),
        default=False,
        help_text=_("False: it measured worse than the model active then and was not used."),
    )
    is_active = models.BooleanField(_("active"), default=False)
    trained = models.DateTimeField(_("trained"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-trained", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="classifier_one_active",
            )
        ]
        verbose_name = _("classifier version")
        verbose_name_plural = _("classifier versions")

    def __str__(self) -> str:
        return f"v{self.pk} {self.trained:%Y-%m-%d %H:%M}"

    @property
    def key(self) -> str:
        """How suggestions name the model that made them."""
        return f"v{self.pk}:{self.sha256[:12]}"


class ClassifierSwitch(models.Model):
    """One change of the active classifier: from which version to which (none: the shipped
    file), who, when, how. The newest switch's ``from_version`` is what a rollback returns to."""

    class Via(models.TextChoices):
        TRAINING = "training", _("training")
        COMMAND = "command", _("command line")
        ADMIN = "admin", _("administration")

    from_version = models.ForeignKey(
        ClassifierVersion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_version = models.ForeignKey(
        ClassifierVersion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="switches",
        verbose_name=_("to"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    via = models.CharField(_("how"), max_length=10, choices=Via.choices)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("classifier switch")
        verbose_name_plural = _("classifier switches")

    def __str__(self) -> str:
        return f"{self.from_version or '—'} → {self.to_version or '—'}"


class CategorySuggestion(models.Model):
    """Categories the classifier suggested for a report, and which model suggested them.

    The key is made in Python, so that intake writes a suggestion and the label that points
    to it in the same statement as the report."""

    class Source(models.TextChoices):
        FORM = "form", _("report form")
        API = "api", _("API")
        BACKGROUND = "background", _("after intake, without a category")

    class State(models.TextChoices):
        PENDING = "pending", _("to confirm")
        CONFIRMED = "confirmed", _("confirmed")
        CORRECTED = "corrected", _("corrected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(
        "reports.Report",
        models.CASCADE,
        related_name="category_suggestions",
        verbose_name=_("report"),
    )
    source = models.CharField(_("where"), max_length=10, choices=Source.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    suggested = models.JSONField(_("suggested"), default=list)  # [{id, name, score}], best first
    model = models.CharField(_("model"), max_length=80)
    version = models.ForeignKey(
        ClassifierVersion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("classifier version"),
        db_index=False,
    )
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("category suggestion")
        verbose_name_plural = _("category suggestions")

    def __str__(self) -> str:
        return ", ".join(item["name"] for item in self.suggested) or "—"

    @property
    def names(self) -> list[str]:
        return [item["name"] for item in self.suggested]


class CategoryLabel(models.Model):
    """Categories a person gave a report: what the classifier learns from."""

    class Role(models.TextChoices):
        REPORTER = "reporter", _("reporter")
        STAFF = "staff", _("official")
        PROGRAM = "program", _("program (API key)")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("kept the suggestion")
        CORRECTED = "corrected", _("corrected the suggestion")
        CHOSEN = "chosen", _("chosen without a suggestion")

    report = models.ForeignKey(
        "reports.Report",
        models.CASCADE,
        related_name="category_labels",
        verbose_name=_("report"),
    )
    categories = models.JSONField(_("categories"), default=list)  # ids, in the order given
    names = models.JSONField(_("names then"), default=list)  # their Thai names at the time
    role = models.CharField(_("who"), max_length=10, choices=Role.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    suggestion = models.ForeignKey(
        CategorySuggestion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="labels",
        verbose_name=_("from suggestion"),
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        db_index=False,
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
        db_index=False,
    )
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("category label")
        verbose_name_plural = _("category labels")

    def __str__(self) -> str:
        return ", ".join(self.names) or "—"
