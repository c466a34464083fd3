"""The meeting documents: invitation and minutes, as PDF and as printable pages."""

from django.urls import path

from ruam.meetings import documents

app_name = "meeting_documents"
urlpatterns = [
    path("meetings/<int:pk>/invitation.pdf", documents.invitation_pdf, name="invitation_pdf"),
    path("meetings/<int:pk>/minutes.pdf", documents.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/invitation/", documents.invitation_page, name="invitation_page"),
    path("meetings/<int:pk>/minutes/", documents.minutes_page, name="minutes_page"),
]
