"""Where the Traffy Fondue sync stands, so that a restart continues where it stopped."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncCursor(models.Model):
    """One sync's position: the day it is reading and how many of that day's tickets it has
    committed (moved in the same transaction as each page's reports), and how its last run
    went. ``traffy`` is the periodic sync's; a one-off catch-up has its own, named by its
    dates."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    day = models.DateField(_("day being read"), null=True, blank=True)
    offset = models.PositiveIntegerField(_("tickets of that day committed"), default=0)
    last_started = models.DateTimeField(_("last run started"), null=True, blank=True)
    last_finished = models.DateTimeField(_("last run finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_summary = models.JSONField(_("last run's counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Traffy Fondue sync")
        verbose_name_plural = _("Traffy Fondue syncs")

    def __str__(self) -> str:
        return f"{self.name}: {self.day} +{self.offset}"
