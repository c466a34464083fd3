from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "ruam.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        """The tallies follow reports: a move, or a new report reaching the worker, queues the
        recount of its district and day for after the change commits (``insights.cube``)."""
        from ruam.core.timeline import transitioned
        from ruam.insights import cube
        from ruam.insights.briefing import enclosure
        from ruam.meetings.documents import ENCLOSURES
        from ruam.reports.models import Report
        from ruam.reports.signals import report_received

        if enclosure not in ENCLOSURES:
            ENCLOSURES.append(enclosure)  # the briefing pack goes with a committee's invitation
        transitioned.connect(cube.on_report_moved, sender=Report, dispatch_uid="insights")
        report_received.connect(cube.on_report_received, sender=Report, dispatch_uid="insights")
