"""ruam apply-retention: erase the contact details of reports closed longer ago than
RUAM_CONTACT_RETENTION_DAYS (run it daily from cron; --enqueue hands it to the worker)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from ruam.privacy.tasks import apply_retention


class Command(BaseCommand):
    help = "Erase reporters' contact details kept past the retention period (PDPA)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the worker instead of now"
        )

    def handle(self, *args, enqueue: bool = False, verbosity: int = 1, **options):
        if enqueue:
            apply_retention.enqueue()
            self.stdout.write("Queued.")
            return
        erased = apply_retention.call()
        if verbosity:
            self.stdout.write(
                f"Contact details erased from {erased} reports closed more than "
                f"{settings.RUAM_CONTACT_RETENTION_DAYS} days ago."
            )
