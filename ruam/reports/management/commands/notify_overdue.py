"""ruam notify-overdue: tell each body of its reports that passed their deadline (run hourly)."""

from django.core.management.base import BaseCommand

from ruam.reports.tasks import notify_overdue


class Command(BaseCommand):
    help = "Tell responsible bodies of overdue reports (each report once). Run it from cron."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the worker instead of now"
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            notify_overdue.enqueue()
            self.stdout.write("Queued.")
        else:
            self.stdout.write(f"{notify_overdue.call()} messages sent.")
