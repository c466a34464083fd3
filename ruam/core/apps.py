from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Infrastructure every app stands on; it knows no Ruam app (the layering test checks)."""

    name = "ruam.core"
    verbose_name = _("Ruam")
