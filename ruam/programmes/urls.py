from django.urls import path

from ruam.programmes import views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/<slug:code>/", views.programme_detail, name="detail"),
    path(
        "programmes/<slug:code>/export.<str:fmt>",
        views.export_programme,
        name="export_programme",
    ),
    path(
        "programmes/<slug:code>/districts/<str:district>/",
        views.programme_in_district,
        name="in_district",
    ),
    path("measurements/<int:pk>/", views.measurement_detail, name="measurement"),
    path("measurements/<int:pk>/verify/", views.verify, name="verify"),
    path("districts/<str:code>/programmes/", views.district_programmes, name="district"),
    path("districts/<str:code>/programmes/import/", views.import_figures, name="import"),
    path("districts/<str:code>/programmes/export.<str:fmt>", views.export_figures, name="export"),
    path("plan/", views.plan, name="plan"),
]
