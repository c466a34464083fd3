from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThaiConfig(AppConfig):
    """Installed only for its commands (train-classifier, classify): every other module of
    ``ruam.thai`` is plain Python with no Django import (the layering test checks)."""

    name = "ruam.thai"
    verbose_name = _("Thai language")
