from django.urls import path

from ruam.bodies import views

app_name = "bodies"
urlpatterns = [
    path("districts/<str:code>/committee/", views.committee_detail, name="committee"),
]
