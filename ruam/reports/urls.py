from django.urls import path

from ruam.reports import staff_views, views

app_name = "reports"
urlpatterns = [
    path("reports/new/", views.report_new, name="new"),
    path("reports/nearby/", views.nearby, name="nearby"),
    path("reports/track/", views.track, name="track"),
    path("reports/mine/", views.mine, name="mine"),
    path("reports/<str:code>/", views.report_detail, name="detail"),
    path("reports/<str:code>/confirm/", views.confirm, name="confirm"),
    path("reports/<str:code>/reopen/", views.reopen, name="reopen"),
    path("reports/<str:code>/rate/", views.rate, name="rate"),
    path("reports/<str:code>/support/", views.support, name="support"),
    path("inbox/", staff_views.inbox_view, name="inbox"),
    path("inbox/bulk/", staff_views.bulk, name="bulk"),
    path("inbox/enter/", staff_views.enter, name="enter"),
    path("inbox/<str:code>/slip/", staff_views.slip, name="slip"),
    path("inbox/<str:code>/", staff_views.staff_report, name="staff"),
    path("inbox/<str:code>/categories/", staff_views.set_categories, name="categories"),
    path(
        "inbox/<str:code>/duplicates/<int:pk>/<str:decision>/",
        staff_views.decide_duplicate,
        name="duplicate",
    ),
]
