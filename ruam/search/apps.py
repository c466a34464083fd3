from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "ruam.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        """The index follows reports: a new one is added when the worker receives it; a move
        updates whether it is open, in the move's own transaction."""
        from ruam.core.timeline import transitioned
        from ruam.reports.models import Report
        from ruam.reports.signals import report_received
        from ruam.search import index

        report_received.connect(index.on_report_received, sender=Report, dispatch_uid="search")
        transitioned.connect(index.on_report_moved, sender=Report, dispatch_uid="search")
