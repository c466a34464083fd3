from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "ruam.geo"
    verbose_name = _("Places")

    def ready(self) -> None:
        from ruam.core.refcache import clear_on_change
        from ruam.geo.models import District, Subdistrict

        clear_on_change(District, Subdistrict)
