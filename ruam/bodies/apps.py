from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "ruam.bodies"
    verbose_name = _("Bodies and roles")

    def ready(self) -> None:
        from ruam.bodies.models import Body
        from ruam.core.refcache import clear_on_change

        clear_on_change(Body)
