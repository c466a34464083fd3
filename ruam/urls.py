from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ruam.api import api

admin.site.site_header = _("Ruam administration")
admin.site.site_title = _("Ruam")
admin.site.index_title = _("Configuration and records")

urlpatterns = [
    path("", include("ruam.core.urls")),
    path("", include("ruam.geo.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
