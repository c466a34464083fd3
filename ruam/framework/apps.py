from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    name = "ruam.framework"
    verbose_name = _("Areas, categories and plans")

    def ready(self) -> None:
        from ruam.core.refcache import clear_on_change
        from ruam.framework.models import Area, Category, RoutingRule

        clear_on_change(Area, Category, RoutingRule)
