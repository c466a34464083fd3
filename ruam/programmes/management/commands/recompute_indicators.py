"""ruam recompute-indicators: recount every indicator computed from reports (after a bulk
import, which sends no per-report signals); the worker keeps them up to date otherwise."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ruam.programmes.indicators import recompute_all


class Command(BaseCommand):
    help = "Recount the programmes computed from reports, in every district and the city."

    def handle(self, *args, verbosity: int = 1, **options):
        done = recompute_all()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{done} computed programmes recounted."))
