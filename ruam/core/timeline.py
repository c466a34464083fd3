"""One way to change state: a timeline event per change, written with the change.

Reports, committee issues, meetings and actions each keep a timeline of ``TimelineEvent`` rows
(who, when, kind, from → to, note, on behalf of which body): the public history and the audit
trail are the same rows. Each of them moves through its own ``Lifecycle``, which locks the row,
checks the move against the aggregate's table of allowed moves, writes the event, saves, tells
``transitioned`` receivers (in the transaction) and queues follow-up work for after the commit.
Changes that are not moves (a note, a rating, a revision) are written with ``record``.

This module knows no Ruam app: the acting body's model is ``settings.RUAM_BODY_MODEL``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.expressions import Combinable
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruam.core import queue
from ruam.core.errors import Bilingual, InvalidInput

# Sent inside the transaction of every move: sender is the aggregate's model; arguments
# ``instance`` (saved, in its new state) and ``event``. A receiver's failure undoes the move.
transitioned = Signal()

MOVE_NOT_ALLOWED = Bilingual("เปลี่ยนสถานะเช่นนี้ไม่ได้", "This change of status is not possible.")


class TimelineEvent(models.Model):
    """One line of an aggregate's timeline. Concrete events add the aggregate's foreign key and
    their own ``Kind`` choices (and may narrow the other fields' indexes)."""

    kind = models.CharField(_("kind"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_body = models.ForeignKey(
        settings.RUAM_BODY_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
        db_index=False,
    )
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created", "pk"]


def person(actor: Any) -> Any:
    """The signed-in person behind an action, or None (anonymous, an API key, the system)."""
    return actor if getattr(actor, "is_authenticated", False) and not _is_key(actor) else None


def _is_key(actor: Any) -> bool:
    return getattr(actor, "key_hash", None) is not None


FollowUp = tuple[Any, Callable[[Any], tuple]]  # a task, and its arguments from the event


@dataclass(frozen=True)
class Lifecycle:
    """How one aggregate changes state.

    ``moves`` maps a status to the statuses it may move to; ``subject`` is the name of the
    event's foreign key to the aggregate; ``refresh`` names the fields copied back onto the
    caller's (unlocked) object after a move.
    """

    model: type[models.Model]
    event_model: type[TimelineEvent]
    subject: str
    moves: Mapping[str, Collection[str]]
    refresh: tuple[str, ...] = ("status",)
    field: str = "status"
    not_allowed: Bilingual = MOVE_NOT_ALLOWED

    def allowed(self, status: str) -> Collection[str]:
        return self.moves.get(status, ())

    def move(
        self,
        obj: models.Model,
        *,
        to: str,
        kind: str,
        actor: Any = None,
        actor_body: Any = None,
        note: str = "",
        updates: Mapping[str, Any] | None = None,
        event_fields: Mapping[str, Any] | None = None,
        then: Callable[[Any, TimelineEvent], None] | None = None,
        follow_up: Iterable[FollowUp] = (),
        moves: Collection[str] | None = None,
    ) -> TimelineEvent:
        """Lock ``obj``, check ``to`` against the table (or ``moves``), write the event, apply
        ``updates`` and save; ``then(locked, event)`` runs after both are saved, in the same
        transaction; each follow-up task is queued to run once it commits."""
        with transaction.atomic():
            locked = self.model.objects.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.field)
            allowed = self.allowed(current) if moves is None else moves
            # Someone else moved it since the caller read it, or the move is not in the table.
            if current != getattr(obj, self.field) or to not in allowed:
                raise InvalidInput({self.field: self.not_allowed})
            now = timezone.now()
            event = self._event(locked, kind, actor, actor_body, note, event_fields, now)
            event.from_status, event.to_status = current, to
            setattr(locked, self.field, to)
            expressions = []
            for name, value in (updates or {}).items():
                setattr(locked, name, value(now) if callable(value) else value)
                if isinstance(getattr(locked, name), Combinable):
                    expressions.append(name)
            locked.save()
            if expressions:
                locked.refresh_from_db(fields=expressions)
            event.save()
            if then is not None:
                then(locked, event)
            transitioned.send(sender=self.model, instance=locked, event=event)
            for task, arguments in follow_up:
                queue.after_commit(task, *arguments(event))
        for name in self.refresh:
            setattr(obj, name, getattr(locked, name))
        return event

    def record(
        self,
        obj: models.Model,
        *,
        kind: str,
        actor: Any = None,
        actor_body: Any = None,
        note: str = "",
        event_fields: Mapping[str, Any] | None = None,
        follow_up: Iterable[FollowUp] = (),
    ) -> TimelineEvent:
        """A line on the timeline that is not a move (a note, a rating, a revision); the
        caller's transaction, if any, holds it together with the change it records."""
        event = self._event(obj, kind, actor, actor_body, note, event_fields, timezone.now())
        event.save()
        for task, arguments in follow_up:
            queue.after_commit(task, *arguments(event))
        return event

    def _event(self, obj, kind, actor, actor_body, note, fields, now) -> TimelineEvent:
        return self.event_model(
            **{self.subject: obj},
            kind=kind,
            actor=person(actor),
            actor_body=actor_body,
            note=note,
            created=now,
            **(fields or {}),
        )
