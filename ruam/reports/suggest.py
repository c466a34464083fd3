"""Category suggestions for a report's text, for the resident or official to confirm.

The trained classifier (``ruam.thai.classifier``, model shipped in ``ruam/data/models``) when it
is installed and sure; otherwise the transparent keyword hints of ``ruam.thai.keywords``.
"""

from __future__ import annotations

from ruam.framework.models import Category
from ruam.thai.keywords import suggest


def _classifier():
    try:
        from ruam.thai.classifier import get_classifier
    except ImportError:
        return None
    return get_classifier()


def suggest_categories(text: str, limit: int = 3) -> list[Category]:
    classifier = _classifier()
    names = list(classifier.predict_one(text))[:limit] if classifier is not None else []
    if not names:
        names = suggest(text, limit=limit)
    found = {c.name_th: c for c in Category.objects.filter(name_th__in=names, is_active=True)}
    return [found[name] for name in names if name in found]
