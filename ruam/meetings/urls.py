from django.urls import path

from ruam.meetings import views

app_name = "meetings"
urlpatterns = [
    path("districts/<str:code>/meetings/", views.meeting_list, name="list"),
    path("districts/<str:code>/meetings/new/", views.meeting_new, name="new"),
    path("bodies/<slug:code>/meetings/", views.body_meeting_list, name="body_list"),
    path("bodies/<slug:code>/meetings/new/", views.body_meeting_new, name="body_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/items/", views.add_item, name="add_item"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/invite/", views.invite, name="invite"),
    path("meetings/<int:pk>/items/<int:item_pk>/", views.record_item, name="record_item"),
    path("meetings/<int:pk>/hold/", views.hold, name="hold"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("meetings/<int:pk>/invitation.pdf", views.invitation_pdf, name="invitation_pdf"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/invitation/", views.invitation_page, name="invitation_page"),
    path("meetings/<int:pk>/minutes/", views.minutes_page, name="minutes_page"),
]
