"""ruam rebuild-insights: count every report into the figures' tallies anew (after a bulk
load; the Traffy import does it itself). --refresh does the daily work only."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from ruam.insights import cube


class Command(BaseCommand):
    help = "Rebuild the tallies the figures, comparisons and dashboards read."

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="only fold old days into months and recount cells with new events",
        )

    def handle(self, *args, refresh: bool = False, verbosity: int = 1, **options):
        started = time.monotonic()
        if refresh:
            done = cube.refresh()
            message = f"{done} cells recounted"
        else:
            done = cube.rebuild()
            message = f"{done:,} reports counted"
        if verbosity:
            self.stdout.write(f"{message} in {time.monotonic() - started:.1f} s.")
