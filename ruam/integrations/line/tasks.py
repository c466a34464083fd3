"""The LINE webhook's work, from the database queue: the webhook only stores and queues."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import task

from ruam.integrations.line import services
from ruam.integrations.line.models import Conversation


@task()
def handle_event(pk: int) -> int:
    return services.handle_event(pk, schedule=schedule_expiry)


def schedule_expiry(conversation: Conversation) -> None:
    """Tell the person when a draft they left expires (where the queue can run a task later;
    otherwise they are told at their next message)."""
    if not expire_conversation.get_backend().supports_defer:
        return
    pk, at = conversation.pk, conversation.expires_at
    later = expire_conversation.using(run_after=at + dt.timedelta(seconds=1))
    transaction.on_commit(lambda: later.enqueue(pk, at.isoformat()))


@task()
def expire_conversation(pk: int, expires_at: str) -> int:
    return services.expire(pk, expires_at)
