from django.urls import path

from ruam.integrations.line import views

app_name = "line"
urlpatterns = [path("webhook", views.webhook, name="webhook")]
