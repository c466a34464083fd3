from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer: pages and commands that join every app (home, district and group pages,
    reference and demo data), and the template filters every page uses."""

    name = "ruam.site"
    label = "ruam_site"  # "site" is django.contrib.sites' label
    verbose_name = _("Site")
