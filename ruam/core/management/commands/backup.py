"""ruam backup PATH: the database and the uploaded files in one verifiable archive."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ruam.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's online backup) and the uploads "
        "into one archive with a manifest of checksums. Safe while Ruam is running."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to write (must not exist).")

    def handle(self, *args, path: Path, verbosity: int = 1, **options):
        local = settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
        try:
            manifest = backup(path, media_root=Path(settings.MEDIA_ROOT) if local else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity:
            files = len(manifest["files"]) - 1
            rows = sum(manifest["tables"].values())
            self.stdout.write(
                f"{path}: {manifest['database']}, {len(manifest['tables'])} tables, "
                f"{rows:,} rows, {files} uploaded files"
                + ("" if local else " (uploads are on object storage: back them up there)")
            )
