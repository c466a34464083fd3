from django.urls import path

from ruam.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.health, name="health"),
    path("livez", views.live, name="live"),
    path("readyz", views.ready, name="ready"),
    path("metrics", views.metrics, name="metrics"),
    path("districts/<str:code>/", views.district_detail, name="district"),
    path("groups/<str:code>/", views.group_detail, name="group"),
]
