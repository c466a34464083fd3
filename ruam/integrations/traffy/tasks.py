"""The periodic sync in the worker: each run queues the next (``ruam sync-traffy --enqueue``
starts the chain; the worker, ``ruam db_worker``, runs it every TRAFFY_SYNC_EVERY_MINUTES)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from ruam.integrations.traffy.sync import sync

log = logging.getLogger(__name__)


@task()
def sync_periodically() -> dict:
    """One sync run (the default cursor), then the next one queued. A failed run is recorded
    on its cursor and logged; the next one continues from where it stopped."""
    try:
        return sync()._counts()
    except Exception as exc:  # the chain must go on: the next run picks up where this stopped
        log.exception("Traffy sync failed")
        return {"error": str(exc)[:500]}
    finally:
        schedule_next()


def schedule_next(minutes: int | None = None) -> bool:
    """Queue the next periodic run, unless one is waiting already. False when the queue cannot
    run a task later (not the database queue)."""
    backend = sync_periodically.get_backend()
    if not backend.supports_defer:
        return False
    if DBTaskResult.objects.filter(
        task_path=sync_periodically.module_path, status="READY"
    ).exists():
        return True
    delay = dt.timedelta(minutes=settings.TRAFFY_SYNC_EVERY_MINUTES if minutes is None else minutes)
    sync_periodically.using(run_after=timezone.now() + delay).enqueue()
    return True
