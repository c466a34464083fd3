from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ruam.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from ruam.core.metrics import register_figure
        from ruam.reports.classifiers import DatabaseStore
        from ruam.reports.models import Report
        from ruam.reports.statuses import OPEN
        from ruam.thai import retraining

        # ruam train-classifier --from-database learns from, and keeps models in, this database.
        retraining.register(DatabaseStore())

        register_figure(
            "ruam_reports_open",
            "Reports open (waiting, in hand, forwarded, invited, reopened)",
            lambda: Report.objects.filter(status__in=sorted(OPEN)).count(),
        )
