from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineConfig(AppConfig):
    """Reports by LINE chat: the webhook, the conversation, status pushes (a notify channel)."""

    name = "ruam.integrations.line"
    label = "line"
    verbose_name = _("LINE")
