"""ruam db_worker: django-tasks' database worker, made to outlive its database.

The library's worker stops for good when PostgreSQL restarts or fails over under it (the error
of its lost connection ends the process). This one waits for the database to answer again,
puts the task it was running back in the queue (its work may have been cut short; a task that
tells people does not tell them twice, ``core.notify``'s keys) and carries on. Same options.

On PostgreSQL a task is taken in one statement (``UPDATE … RETURNING`` on the oldest ready row,
skipping rows another worker holds) instead of the library's transaction of a locked read and
a save: the ORM's building of those queries cost the worker more than most tasks' own work.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import time

from django.core.management.base import CommandError
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    router,
)
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult, get_date_max

from ruam.core.queue import requeue

log = logging.getLogger("ruam.worker")
# Waits between tries while the database is away: 0.5 s doubling up to 10 s.
FIRST_WAIT, LONGEST_WAIT = 0.5, 10.0


class SteadyWorker(library.Worker):
    running_id = None
    _claim_sql: str | None = None

    def run(self) -> None:
        while self.running:
            try:
                if connections[router.db_for_write(DBTaskResult)].vendor == "postgresql":
                    self.work()
                else:
                    super().run()  # the library's loop: a locked read and a save
                return  # --batch or --max-tasks: done
            except (OperationalError, InterfaceError) as exc:
                log.warning("the database went away (%s): waiting for it", exc)
                self.startup_delay = False  # the start after a recovery is not delayed
                self.recover()

    def work(self) -> None:
        """The library's loop (``Worker.run``) on PostgreSQL, taking each task with
        ``claim_next``."""
        library.logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (workers started together spread out)
        while self.running:
            library.close_old_connections()  # through the module: tests replace it there
            try:
                task_result, retrieved = self.claim_next(), True
            except OperationalError as exc:
                if not library.is_locked_database_exception(exc):
                    raise
                task_result, retrieved = None, False  # locked: try again
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and retrieved and task_result is None:
                library.logger.info(
                    "No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id
                )
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                library.logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                    self._run_tasks,
                    self.worker_id,
                )
                return
            library.close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def claim_next(self) -> DBTaskResult | None:
        """The next ready task, marked as running by this worker (None if there is none)."""
        using = router.db_for_write(DBTaskResult)
        now = timezone.now()
        params: list = [
            TaskResultStatus.RUNNING.value,
            now,
            json.dumps([self.worker_id]),
            TaskResultStatus.READY.value,
            get_date_max(),
            now,
            self.backend_name,
        ]
        if not self.process_all_queues:
            params.append(self.queue_names)
        if self.excluded_queue_names:
            params.append(self.excluded_queue_names)
        claimed = DBTaskResult.objects.using(using).raw(self.claim_sql(using), params)
        return next(iter(claimed), None)

    def claim_sql(self, using: str) -> str:
        """The library's choice (ready, by priority, then run_after, then enqueued_at, skipping
        locked rows) and its claim (status, started_at, this worker's id appended), as one
        statement."""
        if self._claim_sql is None:
            meta, quote = DBTaskResult._meta, connections[using].ops.quote_name
            table = quote(meta.db_table)
            columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
            queues = "" if self.process_all_queues else " AND queue_name = ANY(%s)"
            if self.excluded_queue_names:
                queues += " AND NOT (queue_name = ANY(%s))"
            self._claim_sql = (
                f"UPDATE {table} SET status = %s, started_at = %s, "  # noqa: S608 (names only)
                "worker_ids = worker_ids || %s::jsonb "
                f"WHERE id = (SELECT id FROM {table} "
                "WHERE status = %s AND (run_after = %s OR run_after <= %s) "
                f"AND backend_name = %s{queues} "
                "ORDER BY priority DESC, run_after ASC, enqueued_at ASC "
                f"LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING {columns}"
            )
        return self._claim_sql

    def run_task(self, db_task_result) -> None:
        self.running_id = db_task_result.pk
        super().run_task(db_task_result)
        self.running_id = None  # finished and recorded (else recover() puts it back)

    def recover(self) -> None:
        """Wait until the database answers, then make the interrupted task ready again."""
        wait = FIRST_WAIT
        interrupted, self.running_id = self.running_id, None
        while self.running:
            for connection in connections.all():
                with contextlib.suppress(OperationalError, InterfaceError):
                    connection.close()  # a broken one: opened afresh below
            try:
                connections["default"].ensure_connection()
                if interrupted is not None:
                    requeue(interrupted, worker_id=self.worker_id)
                close_old_connections()
                log.warning("the database is back")
                return
            except (OperationalError, InterfaceError):
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)


class Command(library.Command):
    help = (
        "Run the background worker (django-tasks' database worker that waits out a database "
        "restart and runs the interrupted task again)."
    )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SteadyWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            **{k: options[k] for k in ("interval", "backend_name", "startup_delay", "max_tasks")},
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloaded child only
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
