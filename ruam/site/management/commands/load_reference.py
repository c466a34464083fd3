"""ruam load-reference: Bangkok's places, bodies, areas, plan tree, categories and routing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from ruam.bodies.services import load_bodies
from ruam.framework.services import load_framework
from ruam.geo.services import load_places
from ruam.programmes.reference import load_programmes

DATA_DIR = Path(__file__).resolve().parents[3] / "data"


class Command(BaseCommand):
    help = "Load Bangkok's reference data shipped with Ruam (idempotent: run it any time)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args, data_dir: Path, verbosity: int = 1, **options):
        with transaction.atomic():
            results = {}
            results.update(load_places(data_dir))
            results.update(load_bodies())
            results.update(load_framework(data_dir))
            results.update(load_programmes(data_dir))
        if verbosity:
            for name, result in results.items():
                self.stdout.write(f"{name:>15}: {result}")
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
