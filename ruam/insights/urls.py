from django.urls import path

from ruam.insights import views

app_name = "insights"
urlpatterns = [path("districts/<str:code>/hotspots/", views.hotspots, name="hotspots")]
