"""Receiving LINE's webhook events: stored once by ``webhookEventId``, handled from the queue."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ruam.core import queue
from ruam.core.ratelimit import allow
from ruam.integrations.line.models import WebhookEvent
from ruam.integrations.line.tasks import handle_event


def receive(events: list) -> int:
    """Store each new event (a redelivered one is known by its id and ignored) and queue its
    handling, in one transaction. Events over a user's rate limit are stored as such."""
    queued = 0
    with transaction.atomic():
        for event in events:
            if not isinstance(event, dict):
                continue
            event_id = event.get("webhookEventId")
            if not isinstance(event_id, str) or not 0 < len(event_id) <= 64:
                continue
            user = (event.get("source") or {}).get("userId") or ""
            limited = bool(user) and event.get("type") == "message" and not allow("line", user)
            try:
                with transaction.atomic():
                    stored, created = WebhookEvent.objects.get_or_create(
                        event_id=event_id,
                        defaults={
                            "kind": str(event.get("type", ""))[:20],
                            "payload": event,
                            "limited": limited,
                        },
                    )
            except IntegrityError:  # the same event arriving twice at once
                continue
            if created:
                queue.after_commit(handle_event, stored.pk)
                queued += 1
    return queued
