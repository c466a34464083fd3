"""Background work through the database queue (django-tasks): enqueued by the change itself.

Run the worker with ``ruam db_worker``. With the database backend a task's row is written in
the same transaction as the change that calls for it: one commit makes both, and a rollback
removes both, so a rolled-back change never notifies anyone and a committed one always will.
Any other backend is called once the transaction has committed.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from ruam.core.rows import insert

# django-tasks-db's own pre_save receiver sets run_after; task_row() does the same itself.
RECEIVERS_DONE = (DBTaskResult,)

_validated: set = set()


def task_row(task_function, *args) -> DBTaskResult | None:
    """The unsaved queue row for ``task_function(*args)``; None if the queue is not the database.

    The row DatabaseBackend.enqueue writes, without the TaskResult it builds for the caller,
    so that intake can write it in the same statement as the report (ruam.core.rows).
    """
    backend = task_function.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    if task_function not in _validated:
        backend.validate_task(task_function)
        _validated.add(task_function)
    return DBTaskResult(
        id=uuid.uuid4(),
        args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
        priority=task_function.priority,
        task_path=task_function.module_path,
        queue_name=task_function.queue_name,
        run_after=task_function.run_after or get_date_max(),
        backend_name=backend.alias,
    )


def after_commit(task_function, *args) -> None:
    """Run ``task_function(*args)`` in the background once the current change is committed."""
    row = task_row(task_function, *args)
    if row is not None:
        insert(row, receivers_done=RECEIVERS_DONE)
    else:
        transaction.on_commit(lambda: task_function.enqueue(*args))


def requeue_stalled(older_than_seconds: int) -> int:
    """Tasks a worker started and never finished (it was killed, its machine went down) are
    ready again after this long; a task that tells people does not tell them twice (the keys
    of ``core.notify``). Returns how many."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus

    stalled_since = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=stalled_since
    ).update(status=TaskResultStatus.READY, started_at=None)


def requeue(task_id, *, worker_id: str) -> bool:
    """The task this worker was running when its database went away, ready again (if the
    database still has it as running for this worker). True if it was."""
    from django_tasks.base import TaskResultStatus

    running = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING)
    workers = running.values_list("worker_ids", flat=True).first()
    if not workers or workers[-1] != worker_id:  # finished, or claimed again by another
        return False
    return bool(running.update(status=TaskResultStatus.READY, started_at=None))
