"""ruam load-demo: invented people in real bodies (idempotent; every name marked "(ตัวอย่าง)")."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ruam.site.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo: committees, working groups and officials in a few districts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for every demo account (default: generated once)."
        )

    def handle(self, *args, password: str | None = None, verbosity: int = 1, **options):
        result = load_demo(password)
        if verbosity:
            self.stdout.write(f"Demo loaded: {len(set(result.usernames))} demo accounts.")
            where = result.password_file or "--password"
            self.stdout.write(
                "Sign in at /admin/ as 'admin' (or demo-1046-chair, demo-1046-works, demo-city …) "
                f"with the demo password in {where}."
            )
