"""ruam sync-traffy [--base-url URL] [--since YYYY-MM-DD [--until YYYY-MM-DD]] [--rejects FILE]
[--enqueue]

New and changed Traffy Fondue tickets from Traffy's public API, upserted exactly as
``ruam import-traffy`` does; see ``ruam/integrations/traffy/sync.py`` and docs/IMPORT.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ruam.integrations.traffy.importer import ImportFailed
from ruam.integrations.traffy.sync import FetchFailed, TraffyApi, TraffySync
from ruam.integrations.traffy.tasks import schedule_next


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = (
        "Pull new and changed tickets from Traffy Fondue's public API and upsert them as "
        "`ruam import-traffy` does; remembers where it stopped. --since for a one-off catch-up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", metavar="URL", help="the API (default TRAFFY_API_BASE)")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="first day of a one-off run")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="its last day (default today)")
        parser.add_argument("--rejects", type=Path, metavar="FILE", help="rejected rows as CSV")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="start the periodic sync in the worker (every TRAFFY_SYNC_EVERY_MINUTES)",
        )

    def handle(self, *args, base_url=None, since=None, until=None, rejects=None, **options):
        from django.conf import settings

        if options.get("enqueue"):
            if not schedule_next(minutes=0):
                raise CommandError("The task queue cannot run tasks later: use cron instead.")
            self.stdout.write("The periodic Traffy sync is queued for the worker.")
            return
        if until and not since:
            raise CommandError("--until needs --since.")
        first, last = (_day(since) if since else None), (_day(until) if until else None)
        if first and last and last < first:
            raise CommandError("--until is before --since.")
        if rejects and not rejects.parent.is_dir():
            raise CommandError(f"No such folder for --rejects: {rejects.parent}")
        api = TraffyApi(
            base_url or settings.TRAFFY_API_BASE,
            timeout=settings.TRAFFY_API_TIMEOUT,
            retries=settings.TRAFFY_API_RETRIES,
            backoff=settings.TRAFFY_API_BACKOFF,
        )
        name = "traffy" if first is None else f"traffy:{since}:{until or ''}"
        run = TraffySync(api, cursor_name=name, rejects_path=rejects)
        try:
            run.run(since=first, until=last)
        except (FetchFailed, ImportFailed) as exc:
            self._print(run, options.get("verbosity", 1))
            raise CommandError(
                f"{exc}\nThe pages committed so far are kept; run it again to continue."
            ) from exc
        except KeyboardInterrupt as exc:
            self._print(run, options.get("verbosity", 1))
            raise CommandError("Interrupted: run it again to continue.", returncode=130) from exc
        self._print(run, options.get("verbosity", 1))

    def _print(self, run: TraffySync, verbosity: int) -> None:
        if not verbosity:
            return
        lines = run.summary.lines()
        lines[0] = lines[0].replace("Traffy import", "Traffy sync")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"  pages read {run.pages}, tries repeated {run.api.retried}")
