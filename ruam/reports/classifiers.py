"""Which category model answers, and the versions trained from Ruam's own labels.

The model shipped in ``ruam/data/models`` answers until a version trained from the database
(``ruam train-classifier --from-database``) is made active. Versions are kept in the database
(``ClassifierVersion``), so every web process and worker reads the same one; each process loads
the active one once and asks the database which one is active at most every few seconds.
Switching is recorded (``ClassifierSwitch``: who, when, from which to which); a rollback goes
back to the version active before the last switch. Commands: ``ruam train-classifier
--from-database`` and ``ruam classifier-versions``; the admin has the same switch.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.refcache import ttl_cache
from ruam.reports.models import CategoryLabel, ClassifierSwitch, ClassifierVersion, Report

NO_VERSION = Bilingual("ไม่มีรุ่นของตัวจำแนกนี้", "There is no such classifier version.")
NOTHING_TO_ROLL_BACK = Bilingual(
    "ยังไม่เคยเปลี่ยนตัวจำแนก จึงไม่มีรุ่นก่อนหน้าให้ย้อนกลับ",
    "The classifier was never switched: there is no earlier version to go back to.",
)


@dataclass(frozen=True)
class Answering:
    """The model that answers now: its key (written on every suggestion), the version (None
    for the shipped file) and the loaded classifier (None when there is no model at all)."""

    key: str
    version_id: int | None
    classifier: object | None


_lock = threading.Lock()
_loaded: dict[str, object] = {}


@ttl_cache(10)
def _active_row() -> tuple[int, str] | None:
    row = ClassifierVersion.objects.filter(is_active=True).values_list("pk", "sha256").first()
    return tuple(row) if row else None


def _shipped() -> Answering:
    try:
        from ruam.thai.classifier import MODEL_PATH, get_classifier
    except ImportError:  # numpy or scipy missing: keyword hints only
        return Answering("keywords", None, None)
    model = get_classifier()
    if model is None:
        return Answering("keywords", None, None)
    trained = str(model.info.get("trained", ""))
    return Answering(f"file:{MODEL_PATH.name}:{trained}"[:80], None, model)


def load(version: ClassifierVersion):
    """The classifier stored in a version (read with ``allow_pickle=False``)."""
    from ruam.thai.classifier import CategoryClassifier

    return CategoryClassifier.load(io.BytesIO(bytes(version.data)))


def answering() -> Answering:
    """The model that answers now: the active version, else the shipped file."""
    row = _active_row()
    if row is None:
        return _shipped()
    pk, sha = row
    key = f"v{pk}:{sha[:12]}"
    with _lock:
        model = _loaded.get(key)
        if model is None:
            version = ClassifierVersion.objects.filter(pk=pk).first()
            if version is None:
                return _shipped()
            model = load(version)
            _loaded.clear()  # one version in memory per process
            _loaded[key] = model
    return Answering(key, pk, model)


def forget() -> None:
    """Ask the database again on the next use (after a switch in this process)."""
    _active_row.cache_clear()


# -- keeping and switching -----------------------------------------------------------------


def keep(model, summary: dict, *, accepted: bool, note: str = "") -> ClassifierVersion:
    """Store a trained classifier as a new version (not yet active)."""
    buffer = io.BytesIO()
    model.save_to(buffer)
    data = buffer.getvalue()
    measured = summary.get("comparison", {})
    candidate, active = measured.get("candidate", {}), measured.get("active", {})
    return ClassifierVersion.objects.create(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        labels=list(model.labels),
        summary=summary,
        examples=int(model.info.get("examples", 0)),
        database_labels=int(summary.get("data", {}).get("database_labels", 0)),
        test_from=summary.get("data", {}).get("test_from"),
        micro_f1=candidate.get("micro_f1"),
        macro_f1=candidate.get("macro_f1"),
        active_micro_f1=active.get("micro_f1"),
        active_macro_f1=active.get("macro_f1"),
        accepted=accepted,
        note=note,
    )


def active_version() -> ClassifierVersion | None:
    return ClassifierVersion.objects.filter(is_active=True).first()


def switch(
    to: ClassifierVersion | None, *, actor=None, via: str, note: str = ""
) -> ClassifierSwitch:
    """Make ``to`` the active classifier (None: the shipped file), recorded."""
    with transaction.atomic():
        # Lock the active row (if any) so that two switches at once cannot both win.
        current = ClassifierVersion.objects.select_for_update().filter(is_active=True).first()
        if current is not None:
            ClassifierVersion.objects.filter(pk=current.pk).update(is_active=False)
        if to is not None:
            ClassifierVersion.objects.filter(pk=to.pk).update(is_active=True)
            to.is_active = True
        record = ClassifierSwitch.objects.create(
            from_version=current,
            to_version=to,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            via=via,
            note=note,
        )
    forget()
    return record


def activate(pk: int, *, actor=None, via: str, note: str = "") -> ClassifierSwitch:
    version = ClassifierVersion.objects.filter(pk=pk).first()
    if version is None:
        raise InvalidInput({"version": NO_VERSION})
    return switch(version, actor=actor, via=via, note=note)


def rollback(*, actor=None, via: str) -> ClassifierSwitch:
    """Back to the classifier that was active before the last switch."""
    last = ClassifierSwitch.objects.order_by("-created", "-pk").first()
    if last is None:
        raise InvalidInput({"version": NOTHING_TO_ROLL_BACK})
    return switch(last.from_version, actor=actor, via=via, note="rollback")


# -- what training reads and writes (ruam.thai.retraining's store) --------------------------


def labelled_examples() -> list[dict]:
    """The newest label of each report, as training examples: the report's text, the Thai
    names of the categories (their current names; a deleted category keeps its name then),
    its time (when the report was made) and, for an imported ticket, its Traffy id."""
    from ruam.framework.models import Category

    names = dict(Category.objects.values_list("pk", "name_th"))
    newest: dict[int, CategoryLabel] = {}
    for label in CategoryLabel.objects.order_by("created", "pk").iterator(chunk_size=2000):
        newest[label.report_id] = label
    reports = {}
    ids = list(newest)
    for i in range(0, len(ids), 900):
        for pk, text, created, external in Report.objects.filter(
            pk__in=ids[i : i + 900]
        ).values_list("pk", "description", "created", "external_id"):
            reports[pk] = (text, created, external)
    examples = []
    for pk, label in newest.items():
        if pk not in reports:
            continue
        text, created, external = reports[pk]
        then = dict(zip(label.categories, label.names, strict=False))
        categories = [names.get(c, then.get(c)) for c in label.categories]
        categories = [c for c in categories if c]
        if categories:
            examples.append(
                {
                    "ticket_id": external or "",
                    "labels": categories,
                    "text": text,
                    "time": created,
                    "source": "database",
                }
            )
    return examples


class DatabaseStore:
    """``ruam.thai.retraining``'s view of the database: labels in, versions out."""

    def examples(self) -> list[dict]:
        return labelled_examples()

    def priors(self) -> dict[str, list[str]]:
        """Each active category's Thai and English names, as words that name it."""
        from ruam.framework.models import Category

        return {
            name_th: [name_th] + ([name_en] if name_en else [])
            for name_th, name_en in Category.objects.filter(is_active=True).values_list(
                "name_th", "name_en"
            )
        }

    def active(self) -> tuple[str, object | None]:
        now = answering()
        return now.key, now.classifier

    def keep(self, model, summary: dict, *, accepted: bool, activate: bool) -> str:
        version = keep(model, summary, accepted=accepted)
        if activate:
            switch(version, via=ClassifierSwitch.Via.TRAINING, note="trained and accepted")
        return str(version)


def now() -> str:
    return timezone.now().isoformat()
