from django.urls import path

from ruam.privacy import views

app_name = "privacy"
urlpatterns = [
    path("my-data/", views.my_data, name="mine"),
    path("my-data/export.json", views.my_data_json, name="mine_json"),
    path("my-data/erase/", views.erase_account, name="erase_account"),
    path("reports/<str:code>/my-data/", views.report_data, name="report"),
    path("reports/<str:code>/my-data.json", views.report_data_json, name="report_json"),
    path("reports/<str:code>/my-data/erase/", views.erase_report_contact, name="erase_report"),
]
