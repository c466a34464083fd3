"""ruam reindex-search [--missing]: rebuild the Thai search index (or add what is missing)."""

from django.core.management.base import BaseCommand

from ruam.search.index import index_missing_reports, reindex_all_reports


class Command(BaseCommand):
    help = "Rebuild the search index of reports, or only add the reports it lacks (--missing)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true")

    def handle(self, *args, missing: bool = False, **options):
        n = index_missing_reports() if missing else reindex_all_reports()
        self.stdout.write(f"{n:,} reports indexed.")
