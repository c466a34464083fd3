from django.urls import path

from ruam.insights import dashboard_views, opendata_views, views

app_name = "insights"
urlpatterns = [
    path("districts/<str:code>/hotspots/", views.hotspots, name="hotspots"),
    path("districts/<str:code>/figures/", views.district_figures, name="district"),
    path("districts/<str:code>/reports/", views.report_list, name="reports"),
    path("groups/<str:code>/figures/", views.group_figures, name="group_figures"),
    path("groups/<str:code>/print/", views.group_print, name="group_print"),
    path("figures/", views.city_figures, name="city"),
    path("dashboards/", dashboard_views.dashboard_page, name="dashboard"),
    path("exports/<uuid:pk>/", dashboard_views.export_status, name="export"),
    path("meetings/<int:pk>/briefing.pdf", dashboard_views.briefing_pdf, name="briefing_pdf"),
    path("meetings/<int:pk>/briefing/", dashboard_views.briefing_page, name="briefing"),
    path("open-data/", opendata_views.index, name="open_data"),
    path("open-data/<str:name>", opendata_views.download, name="open_data_file"),
]
