"""ruam db_worker: django-tasks' database worker, made to outlive its database.

The library's worker stops for good when PostgreSQL restarts or fails over under it (the error
of its lost connection ends the process). This one waits for the database to answer again,
puts the task it was running back in the queue (its work may have been cut short; a task that
tells people does not tell them twice, ``core.notify``'s keys) and carries on. Same options.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library

from ruam.core.queue import requeue

log = logging.getLogger("ruam.worker")
# Waits between tries while the database is away: 0.5 s doubling up to 10 s.
FIRST_WAIT, LONGEST_WAIT = 0.5, 10.0


class SteadyWorker(library.Worker):
    running_id = None

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return  # --batch or --max-tasks: done
            except (OperationalError, InterfaceError) as exc:
                log.warning("the database went away (%s): waiting for it", exc)
                self.startup_delay = False  # the start after a recovery is not delayed
                self.recover()

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
