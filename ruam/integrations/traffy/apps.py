from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraffyConfig(AppConfig):
    """Traffy Fondue's tickets as reports: the dump reader, the importer and its command."""

    name = "ruam.integrations.traffy"
    label = "traffy"
    verbose_name = _("Traffy Fondue")
