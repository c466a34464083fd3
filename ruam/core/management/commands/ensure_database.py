"""ruam ensure-database: create the PostgreSQL database DATABASE_URL names, if it is missing
(a fresh server). Nothing to do on SQLite, whose file is made on first use."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."

    def handle(self, *args, verbosity: int = 1, **options):
        if connection.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        settings = connection.settings_dict
        server = {
            "dbname": "postgres",
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
            "autocommit": True,
        }
        try:
            with psycopg.connect(**{k: v for k, v in server.items() if v is not None}) as db:
                found = db.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
                ).fetchone()
                if not found:
                    db.execute(
                        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"]))
                    )
                    if verbosity:
                        self.stdout.write(f"Created the database {settings['NAME']}.")
        except psycopg.Error as exc:
            raise CommandError(f"PostgreSQL: {exc}") from None
