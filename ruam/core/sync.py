"""Idempotent bulk loading: make a table hold exactly the given rows, keyed by one field.

Loading reference or demo data twice must change nothing, and reloading after an edit of the
source must update in place (keeping primary keys, so links survive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


def sync_rows(model: type[models.Model], key: str, rows: list[dict[str, Any]]) -> SyncResult:
    """Create the rows that are missing and update the ones that differ; never delete."""
    result = SyncResult()
    if not rows:
        return result
    keys = [row[key] for row in rows]
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": keys})}
    fields = sorted({field for row in rows for field in row if field != key})
    to_create, to_update = [], []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = False
        for field in fields:
            if field in row and getattr(obj, field) != row[field]:
                setattr(obj, field, row[field])
                changed = True
        if changed:
            to_update.append(obj)
        else:
            result.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    result.created, result.updated = len(to_create), len(to_update)
    return result
