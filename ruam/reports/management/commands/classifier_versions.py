"""ruam classifier-versions [list] | activate ID | shipped | rollback

The category models trained from Ruam's labels (``ruam train-classifier --from-database``):
list them, make one answer, go back to the model shipped with Ruam, or roll back to the one
that answered before the last switch. Every switch is recorded (``ClassifierSwitch``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ruam.core.errors import InvalidInput
from ruam.reports import classifiers
from ruam.reports.models import ClassifierSwitch, ClassifierVersion


def _f1(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "List the category classifier's versions, make one answer (activate ID), go back to "
        "the shipped model (shipped) or to the one before the last switch (rollback)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        sub.add_parser("list", help="the versions, newest first (the default)")
        activate = sub.add_parser("activate", help="make a version answer")
        activate.add_argument("version", type=int, metavar="ID")
        sub.add_parser("shipped", help="let the model shipped in ruam/data/models answer")
        sub.add_parser("rollback", help="back to the version that answered before the last switch")

    def handle(self, *args, action: str | None = None, **options):
        via = ClassifierSwitch.Via.COMMAND
        try:
            if action == "activate":
                classifiers.activate(options["version"], via=via)
            elif action == "shipped":
                classifiers.switch(None, via=via)
            elif action == "rollback":
                classifiers.rollback(via=via)
        except InvalidInput as exc:
            raise CommandError(exc.errors["version"].en) from None
        self.list()

    def list(self) -> None:
        active = classifiers.active_version()
        self.stdout.write(
            "answering: " + (str(active) if active else "the shipped model (ruam/data/models)")
        )
        self.stdout.write(
            f"{'id':>4}  {'trained (UTC)':16}  {'state':9}  {'micro':>5}  {'macro':>5}  "
            f"{'then':>11}  {'tickets':>8}  {'own':>6}"
        )
        for v in ClassifierVersion.objects.defer("data", "summary").order_by("-pk"):
            state = "active" if v.is_active else ("kept" if v.accepted else "refused")
            self.stdout.write(
                f"{v.pk:>4}  {v.trained:%Y-%m-%d %H:%M}  {state:9}  {_f1(v.micro_f1):>5}  "
                f"{_f1(v.macro_f1):>5}  {_f1(v.active_micro_f1)}/{_f1(v.active_macro_f1)}  "
                f"{v.examples:>8,}  {v.database_labels:>6,}"
            )
