"""The resident's and the official's pages, through Django's test client."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ruam.bodies.models import Role
from ruam.core import antispam
from ruam.reports import services
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

POINT = {"lat": "13.8596", "lon": "100.7046"}


def form_data(**extra):
    data = {
        "description": "ไฟถนนดับ มืดมาก อันตราย",
        "submission": "s-1",
        "form_ts": antispam.stamp(),  # as the page gives it
        **POINT,
    }
    data.update(extra)
    return data


def test_the_form_renders_in_thai(client):
    html = client.get("/reports/new/").content.decode()
    assert "แจ้งปัญหา" in html
    assert 'name="lat"' in html and 'name="photos"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html


def test_sending_a_report_with_a_photo(client, photo):
    data = form_data(categories=[], photos=SimpleUploadedFile("a.jpg", photo, "image/jpeg"))
    response = client.post("/reports/new/", data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == Channel.WEB and report.photos.count() == 1
    assert response.url.startswith(f"/reports/{report.code}/?sent=1&key=")
    page = client.get(response.url).content.decode()
    assert report.display_code in page
    assert "ลิงก์ส่วนตัว" in page or "private link" in page


def test_double_submission_makes_one_report(client):
    client.post("/reports/new/", form_data())
    client.post("/reports/new/", form_data())
    assert Report.objects.count() == 1


def test_bad_input_is_said_in_the_persons_language_and_keeps_the_text(client):
    response = client.post("/reports/new/", form_data(lat="14.6", lon="100.5"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "นอกกรุงเทพมหานคร" in html and "outside Bangkok" not in html
    assert "ไฟถนนดับ" in html
    assert Report.objects.count() == 0


def test_a_bad_photo_is_refused_and_nothing_is_written(client):
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /", "image/jpeg")
    response = client.post("/reports/new/", form_data(photos=fake))
    assert response.status_code == 422
    assert Report.objects.count() == 0


def test_nearby_lists_open_reports_within_250_m(client):
    near = services.submit_report(
        description="ท่อแตก", channel=Channel.WEB, lat=13.8597, lon=100.7047
    ).report
    services.submit_report(description="ไกล", channel=Channel.WEB, lat=13.8700, lon=100.7046)
    html = client.get("/reports/nearby/", POINT).content.decode()
    assert near.display_code in html and "ไกล" not in html


def test_no_js_check_shows_nearby_without_sending(client):
    services.submit_report(description="ท่อแตก", channel=Channel.WEB, lat=13.8597, lon=100.7047)
    response = client.post("/reports/new/", form_data(check="1"))
    assert response.status_code == 200
    assert "ท่อแตก" in response.content.decode()
    assert Report.objects.count() == 1


def test_this_is_mine_too(client):
    report = services.submit_report(
        description="ท่อแตก", channel=Channel.WEB, lat=13.8597, lon=100.7047
    ).report
    client.post(f"/reports/{report.code}/support/")
    client.post(f"/reports/{report.code}/support/")
    report.refresh_from_db()
    assert report.supporter_count == 1


def test_public_page_never_shows_personal_data(client):
    report = services.submit_report(
        description="ขยะล้น",
        channel=Channel.WEB,
        lat=13.8597,
        lon=100.7047,
        contact_name="มานี ใจดี",
        contact_email="manee@example.com",
        contact_phone="0899999999",
        consent=True,
    ).report
    html = client.get(f"/reports/{report.code}/").content.decode()
    assert "ขยะล้น" in html
    for value in ("มานี", "manee@example.com", "0899999999"):
        assert value not in html


def test_track_by_code_accepts_what_people_type(client):
    report = services.submit_report(
        description="x", channel=Channel.WEB, **{k: float(v) for k, v in POINT.items()}
    ).report
    typed = f" {report.code[:4].lower()}-{report.code[4:]} "
    response = client.get("/reports/track/", {"code": typed})
    assert response.status_code == 302 and response.url == f"/reports/{report.code}/"
    assert client.get("/reports/track/", {"code": "ZZZZ-ZZZZ"}).status_code == 404


def test_the_reporter_confirms_through_the_private_link(client, seat, photo):
    official = seat("division-1046-works", Role.OFFICIAL)
    result = services.submit_report(
        description="ไฟดับ", channel=Channel.WEB, lat=13.8596, lon=100.7046, categories=["แสงสว่าง"]
    )
    services.change_status(result.report, actor=official, to=Status.FINISHED, photos=[photo])
    # A stranger cannot confirm.
    assert client.post(f"/reports/{result.report.code}/confirm/").status_code == 403
    page = client.get(f"/reports/{result.report.code}/?key={result.reporter_key}").content.decode()
    assert "ใช่ แก้ไขแล้ว" in page or "Yes, it is fixed" in page
    client.post(f"/reports/{result.report.code}/confirm/")
    result.report.refresh_from_db()
    assert result.report.status == Status.CONFIRMED


def test_the_reporter_reopens_with_a_reason(client, seat, photo):
    official = seat("division-1046-works", Role.OFFICIAL)
    result = services.submit_report(
        description="ไฟดับ", channel=Channel.WEB, lat=13.8596, lon=100.7046, categories=["แสงสว่าง"]
    )
    services.change_status(result.report, actor=official, to=Status.FINISHED, photos=[photo])
    url = f"/reports/{result.report.code}/"
    client.get(f"{url}?key={result.reporter_key}")
    client.post(f"{url}reopen/", {"reason": ""})
    result.report.refresh_from_db()
    assert result.report.status == Status.FINISHED
    client.post(f"{url}reopen/", {"reason": "ไฟยังดับอยู่"})
    result.report.refresh_from_db()
    assert result.report.status == Status.REOPENED


def test_signed_in_residents_see_their_reports(client, make_user):
    resident = make_user()
    client.force_login(resident)
    client.post("/reports/new/", form_data())
    html = client.get("/reports/mine/").content.decode()
    assert Report.objects.get().display_code in html
    assert Report.objects.get().reporter == resident


def test_inbox_is_for_officials_only(client, make_user, seat):
    assert client.get("/inbox/").status_code == 302  # to sign in
    client.force_login(make_user())
    assert client.get("/inbox/").status_code == 403


def test_inbox_shows_the_divisions_reports_and_filters(client, seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    mine = services.submit_report(
        description="ถนนพัง", channel=Channel.WEB, lat=13.8596, lon=100.7046, categories=["ถนน"]
    ).report
    services.submit_report(
        description="ที่อื่น", channel=Channel.WEB, lat=13.7553, lon=100.4930, categories=["ถนน"]
    )
    client.force_login(official)
    html = client.get("/inbox/").content.decode()
    assert mine.display_code in html and "ที่อื่น" not in html
    html = client.get("/inbox/", {"view": "all", "status": "finished"}).content.decode()
    assert mine.display_code not in html


def test_official_acts_from_the_staff_page(client, seat, photo):
    official = seat("division-1046-works", Role.OFFICIAL)
    report = services.submit_report(
        description="ถนนพัง", channel=Channel.WEB, lat=13.8596, lon=100.7046, categories=["ถนน"]
    ).report
    client.force_login(official)
    assert client.get(f"/inbox/{report.code}/").status_code == 200
    response = client.post(f"/inbox/{report.code}/", {"to": "finished", "note": ""})
    assert response.status_code == 422
    assert "ภาพหลังแก้ไข" in response.content.decode()
    response = client.post(
        f"/inbox/{report.code}/",
        {"to": "finished", "photos": SimpleUploadedFile("after.jpg", photo, "image/jpeg")},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.FINISHED


def test_bulk_accept(client, seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    reports = [
        services.submit_report(
            description=f"ถนน {i}",
            channel=Channel.WEB,
            lat=13.8596,
            lon=100.7046,
            categories=["ถนน"],
        ).report
        for i in range(3)
    ]
    client.force_login(official)
    response = client.post(
        "/inbox/bulk/",
        {
            "to": "in_progress",
            "codes": [r.code for r in reports[:2]],
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302 and not response.url.startswith("https://evil")
    statuses = sorted(Report.objects.values_list("status", flat=True))
    assert statuses == ["in_progress", "in_progress", "waiting"]


def test_others_cannot_open_the_staff_page(client, seat):
    report = services.submit_report(
        description="x", channel=Channel.WEB, lat=13.8596, lon=100.7046
    ).report
    client.force_login(seat("division-1001-works", Role.OFFICIAL))
    assert client.get(f"/inbox/{report.code}/").status_code == 403


def test_csrf_is_enforced_on_the_form():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/reports/new/", form_data()).status_code == 403
    assert Report.objects.count() == 0


def test_user_text_is_escaped(client):
    report = services.submit_report(
        description="<script>alert(1)</script>", channel=Channel.WEB, lat=13.8596, lon=100.7046
    ).report
    html = client.get(f"/reports/{report.code}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert re.search(r"&lt;script&gt;alert\(1\)&lt;/script&gt;", html)
