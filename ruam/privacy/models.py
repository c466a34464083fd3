"""The record that personal data was erased: what and when, never whose."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    class Kind(models.TextChoices):
        ACCOUNT = "account", _("an account, at its owner's request")
        REPORT = "report", _("a report's contact details, at the reporter's request")
        RETENTION = "retention", _("contact details past the retention period")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A report's tracking code, or "account #<id>": enough to answer an auditor, no one's name.
    subject = models.CharField(_("subject"), max_length=40, blank=True)
    details = models.JSONField(_("what was erased"), default=dict)
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} {self.created:%Y-%m-%d}"
