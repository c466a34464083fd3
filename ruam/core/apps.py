from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ruam.core"
    verbose_name = _("Ruam")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ruam.core.refcache import clear_all

        # Any saved reference row may change a cached answer: clear them all (edits are rare).
        for model in _reference_models():
            post_save.connect(clear_all, sender=model, dispatch_uid=f"refcache-{model.__name__}")
            post_delete.connect(
                clear_all, sender=model, dispatch_uid=f"refcache-d-{model.__name__}"
            )


def _reference_models() -> list:
    from ruam.accounts.models import ApiKey
    from ruam.bodies.models import Body
    from ruam.framework.models import Area, Category, RoutingRule
    from ruam.geo.models import District, Subdistrict

    return [ApiKey, Body, Area, Category, RoutingRule, District, Subdistrict]
