from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Residents' data rights (PDPA): see, download, correct, erase; retention of contact
    details. On the top layer: it reaches into every app that holds a person's data."""

    name = "ruam.privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from ruam.integrations.line.signals import forgotten
        from ruam.privacy.services import record_line_erasure

        forgotten.connect(record_line_erasure, dispatch_uid="privacy-line-erasure")
