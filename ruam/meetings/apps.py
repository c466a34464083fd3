from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "ruam.meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from ruam.core.timeline import transitioned
        from ruam.meetings import services
        from ruam.reports.models import Report

        # A linked report fixed or reopened moves its issues' progress (meetings.roll_up).
        transitioned.connect(services.on_report_moved, sender=Report, dispatch_uid="meetings")
