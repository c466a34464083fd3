"""ruam restore PATH: an archive made by ``ruam backup`` into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ruam.core.backup import BackupError, Database, database_from_url, restore, verify


class Command(BaseCommand):
    help = (
        "Restore a backup into an EMPTY database and media folder (never over a live one). "
        "Every file of the archive is checked against its manifest first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--database-url", help="Restore into this database instead of DATABASE_URL's."
        )
        parser.add_argument(
            "--media-root", type=Path, help="Restore uploads here instead of MEDIA_ROOT."
        )
        parser.add_argument(
            "--check", action="store_true", help="Only check the archive; change nothing."
        )

    def handle(self, *args, path: Path, verbosity: int = 1, **options):
        try:
            if options["check"]:
                manifest = verify(path)
            else:
                database = (
                    database_from_url(options["database_url"])
                    if options["database_url"]
                    else Database.default()
                )
                manifest = restore(
                    path,
                    database=database,
                    media_root=Path(options["media_root"] or settings.MEDIA_ROOT),
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity:
            verb = "is sound" if options["check"] else "restored"
            self.stdout.write(
                f"{path} {verb}: {manifest['database']}, made {manifest['created']}, "
                f"{sum(manifest['tables'].values()):,} rows, {len(manifest['files']) - 1} files."
            )
