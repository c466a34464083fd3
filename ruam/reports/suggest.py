"""Category suggestions for a report's text, for the resident or official to confirm."""

from __future__ import annotations

from ruam.framework.models import Category
from ruam.thai.keywords import suggest


def suggest_categories(text: str, limit: int = 3) -> list[Category]:
    names = suggest(text, limit=limit)
    found = {c.name_th: c for c in Category.objects.filter(name_th__in=names, is_active=True)}
    return [found[name] for name in names if name in found]
