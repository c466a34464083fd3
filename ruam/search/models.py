"""One search index for reports and committee issues, in Thai.

Thai has no spaces between words, so each entry keeps its text *segmented* (words separated by
spaces, by nlpo3) for word search with ranking, and its raw text for word-part search by
trigrams ("ท่วม" still finds "น้ำท่วม"). PostgreSQL indexes both with GIN (a ``simple``
tsvector and ``pg_trgm``); SQLite with two FTS5 tables (see the migrations).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        ISSUE = "issue", _("issue")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    district_id = models.CharField(max_length=4, blank=True, db_index=True)
    code = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300, blank=True)
    words = models.TextField(help_text="segmented text: Thai words separated by spaces")
    raw = models.TextField(help_text="the text as written, lowercased, for word parts")
    is_open = models.BooleanField(default=True)
    created = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_kind_object")
        ]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
