"""ruam export-open-data: write the open-data files now (after refreshing the tallies), or with
--enqueue hand the daily refresh to the worker (run it daily from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ruam.insights.tasks import daily


class Command(BaseCommand):
    help = "Write the open-data files (/open-data/): reports, issues, actions, programmes, figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the worker instead of now"
        )

    def handle(self, *args, enqueue: bool = False, verbosity: int = 1, **options):
        if enqueue:
            daily.enqueue()
            self.stdout.write("Queued.")
            return
        from ruam.insights import cube, opendata

        cube.refresh()
        manifest = opendata.export_all()
        if verbosity:
            for f in manifest["files"]:
                self.stdout.write(f"{f['name']}: {f['rows']:,} rows")
            self.stdout.write(f"Written to {opendata.directory()} in {manifest['seconds']} s.")
