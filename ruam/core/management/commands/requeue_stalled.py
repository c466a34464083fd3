"""ruam requeue-stalled: tasks whose worker died mid-way are run again (by any worker)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from ruam.core.queue import requeue_stalled


class Command(BaseCommand):
    help = (
        "Make tasks started longer ago than RUAM_TASK_STALL_SECONDS and never finished ready again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, metavar="SECONDS")

    def handle(self, *args, older_than: int | None = None, verbosity: int = 1, **options):
        seconds = settings.RUAM_TASK_STALL_SECONDS if older_than is None else older_than
        found = requeue_stalled(seconds)
        if verbosity:
            self.stdout.write(f"{found} stalled tasks made ready again.")
