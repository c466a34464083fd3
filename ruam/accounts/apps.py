from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ruam.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from ruam.accounts.models import ApiKey
        from ruam.core.refcache import clear_on_change

        clear_on_change(ApiKey)
