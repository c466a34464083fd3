"""Base models every app shares."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    modified = models.DateTimeField(_("modified"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class BilingualNameMixin:
    """Models with ``name_th`` and ``name_en``: ``name`` is the one for the active language."""

    name_th: str
    name_en: str

    @property
    def name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """Requests counted per client and time window, shared by every worker (see ratelimit.py)."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class SentNotice(models.Model):
    """A message with a key, sent to one address over one channel: written in the transaction
    that sends it (``core.notify._send_once``), so a task run again (its worker was killed)
    neither sends it twice nor loses it."""

    key = models.CharField(max_length=255, unique=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.key
