from django.urls import path

from ruam.geo import views

app_name = "geo"
urlpatterns = [
    path("districts/", views.district_list, name="districts"),
    path("districts/<str:code>/", views.district_detail, name="district"),
    path("districts/<str:code>/committee/", views.committee_detail, name="committee"),
    path("groups/<str:code>/", views.group_detail, name="group"),
]
