from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "ruam.programmes"
    verbose_name = _("Programmes and results")

    def ready(self) -> None:
        """Indicators computed from reports follow them: a move or a new report that may
        change one queues its recount for the district (``programmes.indicators``)."""
        from ruam.core.refcache import clear_on_change
        from ruam.core.timeline import transitioned
        from ruam.programmes import indicators
        from ruam.programmes.models import Programme
        from ruam.reports.models import Report
        from ruam.reports.signals import report_received

        transitioned.connect(indicators.on_report_moved, sender=Report, dispatch_uid="programmes")
        report_received.connect(
            indicators.on_report_received, sender=Report, dispatch_uid="programmes"
        )
        clear_on_change(Programme)
