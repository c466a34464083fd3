"""ruam notify-overdue: tell each body of its reports and committee actions that passed their
deadline, and the committee's chair and secretary of overdue actions (run hourly)."""

from django.core.management.base import BaseCommand

from ruam.meetings.tasks import notify_overdue_actions
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
            notify_overdue_actions.enqueue()
            self.stdout.write("Queued.")
        else:
            sent = notify_overdue.call() + notify_overdue_actions.call()
            self.stdout.write(f"{sent} messages sent.")
