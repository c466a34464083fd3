"""Category suggestions for a report's text, for the resident or official to confirm.

The model that answers (``ruam.reports.classifiers``: the active version trained from Ruam's
labels, else the model shipped in ``ruam/data/models``); without a model, the keyword hints of
``ruam.thai.keywords``. Every suggestion says which model made it and carries a signed token:
a form or a program that sends the token back with the report lets Ruam record what was
suggested, by which model, and whether the person kept it (``ruam.reports.labelling``). The
token is signed, so a client cannot claim a suggestion that was never made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core import signing

from ruam.framework.models import Category
from ruam.reports.classifiers import answering
from ruam.thai.keywords import suggest as keyword_hints

SIGNING_NAMESPACE = "ruam.reports.suggestion"
TOKEN_MAX_AGE = dt.timedelta(days=2)


@dataclass
class Suggestion:
    categories: list[Category]
    scores: list[float | None]
    model: str
    version_id: int | None = None
    token: str = field(default="", repr=False)

    def items(self) -> list[dict]:
        """What a suggestion row keeps: id, Thai name and score of each category, best first."""
        return [
            {"id": c.pk, "name": c.name_th, "score": None if s is None else round(s, 4)}
            for c, s in zip(self.categories, self.scores, strict=True)
        ]


def _sign(model: str, version_id: int | None, items: list[dict]) -> str:
    payload = {"m": model, "v": version_id, "c": [[i["id"], i["score"]] for i in items]}
    return signing.dumps(payload, salt=SIGNING_NAMESPACE, compress=True)


def suggest(text: str, limit: int = 3) -> Suggestion:
    """The categories the model that answers gives this text (at least one where it knows a
    word of it), best first, at most ``limit``."""
    now = answering()
    names: list[str] = []
    scores: list[float | None] = []
    model = now.key
    if now.classifier is not None and text.strip():
        labels, matrix = now.classifier.scores([text])
        names = now.classifier.decide(matrix)[0][:limit]
        scores = [float(matrix[0, labels.index(n)]) for n in names]
    if not names:
        names = keyword_hints(text, limit=limit)
        scores = [None] * len(names)
        model = "keywords"
    found = {c.name_th: c for c in Category.objects.filter(name_th__in=names, is_active=True)}
    kept = [(found[n], s) for n, s in zip(names, scores, strict=True) if n in found]
    result = Suggestion(
        [c for c, _ in kept],
        [s for _, s in kept],
        model,
        now.version_id if model != "keywords" else None,
    )
    if result.categories:
        result.token = _sign(result.model, result.version_id, result.items())
    return result


def suggest_categories(text: str, limit: int = 3) -> list[Category]:
    return suggest(text, limit).categories


def read_token(token: str) -> Suggestion | None:
    """The suggestion a token stands for, or None when it is not one Ruam signed (or is older
    than two days, or names no category that still exists)."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=SIGNING_NAMESPACE, max_age=TOKEN_MAX_AGE)
        pairs = [(int(pk), None if s is None else float(s)) for pk, s in payload["c"]]
        model, version_id = str(payload["m"])[:80], payload.get("v")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    found = Category.objects.in_bulk([pk for pk, _ in pairs])
    kept = [(found[pk], s) for pk, s in pairs if pk in found]
    if not kept:
        return None
    return Suggestion(
        [c for c, _ in kept],
        [s for _, s in kept],
        model,
        version_id if isinstance(version_id, int) else None,
        token,
    )
