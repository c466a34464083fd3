from django.urls import path

from ruam.issues import views

app_name = "issues"
urlpatterns = [
    path("districts/<str:code>/issues/", views.district_issues, name="district"),
    path("groups/<str:code>/issues/", views.group_issues, name="group"),
    path("districts/<str:code>/issues/new/", views.issue_new, name="new"),
    path("issues/<int:pk>/", views.issue_detail, name="detail"),
    path("issues/<int:pk>/support/", views.support, name="support"),
    path("issues/<int:pk>/comment/", views.comment, name="comment"),
    path("issues/<int:pk>/comments/<int:comment_pk>/hide/", views.hide_comment, name="hide"),
    path("issues/<int:pk>/status/", views.change_status, name="status"),
    path("issues/<int:pk>/attachments/", views.attach, name="attach"),
]
