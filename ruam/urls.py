from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from ruam.api import api

# A database that went away answers 503 with a retry hint, not 500 (core/web.py).
handler500 = "ruam.core.web.server_error"

admin.site.site_header = _("Ruam administration")
admin.site.site_title = _("Ruam")
admin.site.index_title = _("Configuration and records")

urlpatterns = [
    # Client programs first: their paths have prefixes of their own, so they are found without
    # trying every page's pattern (the pages' order below still decides among the pages).
    path("api/v1/", api.urls),
    path("open311/v2/", include("ruam.integrations.open311.urls")),
    path("integrations/line/", include("ruam.integrations.line.urls")),
    path("", include("ruam.site.urls")),
    path("", include("ruam.geo.urls")),
    path("", include("ruam.bodies.urls")),
    path("", include("ruam.privacy.urls")),
    path("", include("ruam.reports.urls")),
    path("", include("ruam.accounts.urls")),
    path("", include("ruam.search.urls")),
    path("", include("ruam.insights.urls")),
    path("", include("ruam.issues.urls")),
    path("", include("ruam.meetings.urls")),
    path("", include("ruam.programmes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Uploaded photos (already re-encoded, metadata stripped) from local storage. Behind a web server
# or with object storage, let that serve /media/ instead.
if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
