"""What a resident and an official see on the report pages (issue: one language at a time,
nothing lost, nothing ambiguous)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ruam.bodies.models import Role
from ruam.core import antispam
from ruam.reports import services
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "description": "ไฟถนนดับ มืดมาก อันตราย",
        "submission": "s-1",
        "form_ts": antispam.stamp(),
        "lat": "13.8596",
        "lon": "100.7046",
    }
    data.update(extra)
    return data


def test_a_line_break_counts_as_one_character_as_in_the_browser(client):
    # 3,000 characters over 1,001 lines: 4,000 as the browser counts, 5,000 sent as CR LF.
    text = "\r\n".join(["ก" * 3] * 1000)
    assert len(text.replace("\r\n", "\n")) <= 4000 < len(text)
    response = client.post("/reports/new/", form_data(description=text))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Report.objects.get().description == text.replace("\r\n", "\n")


def test_too_long_is_said_in_the_persons_language_only(client):
    response = client.post("/reports/new/", form_data(description="ก" * 4001))
    assert response.status_code == 422
    html = response.content.decode()
    assert "4000" in html or "4,000" in html
    assert "Ensure this value" not in html and "characters" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.post("/reports/new/", form_data(description="ก" * 4001)).content.decode()
    assert "At most 4000 characters" in html


def test_a_refusal_is_said_in_thai_or_in_english_never_both(client):
    html = client.post("/reports/new/", form_data(lat="14.6", lon="100.5")).content.decode()
    assert "นอกกรุงเทพมหานคร" in html and "outside Bangkok" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.post("/reports/new/", form_data(lat="14.6", lon="100.5")).content.decode()
    assert "outside Bangkok" in html and "นอกกรุงเทพมหานคร" not in html


def test_a_refused_form_has_a_summary_linking_to_the_fields(client):
    response = client.post("/reports/new/", form_data(description="", lat="", lon=""))
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL).group(0)
    assert 'href="#id_description"' in summary and 'href="#id_lat"' in summary
    # Each wrong field says which message describes it.
    assert re.search(r'id="id_description"[^>]*aria-describedby="id_description-error"', html) or (
        re.search(r'aria-describedby="id_description-error"[^>]*id="id_description"', html)
    )
    assert 'aria-invalid="true"' in html


@pytest.fixture
def fixed_report(seat, photo):
    result = services.submit_report(
        description="ไฟถนนดับหน้าซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
        contact_email="a@example.com",
        consent=True,
    )
    report = result.report
    official = seat(report.responsible.code, Role.OFFICIAL)
    services.change_status(report, actor=official, to=Status.IN_PROGRESS)
    services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    return report, result.reporter_key


def test_the_fix_block_shows_the_after_photo_first_and_two_clear_choices(client, fixed_report):
    report, key = fixed_report
    html = client.get(f"/reports/{report.code}/?key={key}").content.decode()
    block = html[html.index('<section class="actions decide"') :]
    block = block[: block.index("</section>")]
    assert block.index("<img") < block.index("confirm/")  # the evidence before the decision
    confirm = block[block.index('action="/reports/') : block.index("</form>")]
    assert "reason" not in confirm  # the reason belongs to reopening only
    reopen = block[block.index("reopen/") :]
    assert reopen.index('name="reason"') < reopen.index('type="submit"')


def test_confirming_keeps_the_private_link_and_the_question_goes(client, fixed_report):
    report, key = fixed_report
    response = client.post(f"/reports/{report.code}/confirm/", {"key": key})
    assert response.status_code == 302 and response.url.endswith(f"?key={key}")
    html = client.get(response.url).content.decode()
    assert "แก้ไขแล้วหรือยัง" not in html  # "Is it fixed?" is no longer asked
    assert "ยืนยันแล้ว" in html or "Confirmed" in html


def test_the_rating_says_which_end_is_good(client, fixed_report):
    report, key = fixed_report
    html = client.get(f"/reports/{report.code}/?key={key}").content.decode()
    rating = html[html.index('class="rating"') :]
    assert "1 = แย่มาก" in rating and "5 = ดีมาก" in rating


def test_an_official_lands_in_the_inbox_after_signing_in(client, seat, django_user_model):
    official = seat("division-1046-works", Role.OFFICIAL)
    official.set_password("pw-12345!x")
    official.save()
    response = client.post(
        "/accounts/login/", {"username": official.username, "password": "pw-12345!x"}
    )
    assert response.status_code == 302 and response.url == "/inbox/"
    resident = django_user_model.objects.create_user("resident-1", password="pw-12345!x")
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": resident.username, "password": "pw-12345!x"}
    )
    assert response.url == "/reports/mine/"


def test_search_results_show_the_code_district_category_and_the_words(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the index follows the report
        report = services.submit_report(
            description="น้ำท่วมขังหน้าบ้าน รถผ่านไม่ได้",
            channel=Channel.WEB,
            lat=13.8596,
            lon=100.7046,
            categories=["น้ำท่วม"],
        ).report
    html = client.get("/search/?q=ท่วม").content.decode()
    assert report.display_code in html and "-" in report.display_code
    assert "คลองสามวา" in html
    assert "น้ำท่วม</span>" in html or "น้ำท่วม</a>" in html or 'class="badge">น้ำท่วม' in html
    assert "<mark>ท่วม</mark>" in html


def test_the_staff_page_has_a_map(client, seat):
    report = services.submit_report(
        description="ทางเท้าพัง", channel=Channel.WEB, lat=13.8596, lon=100.7046
    ).report
    client.force_login(seat(report.responsible.code, Role.OFFICIAL))
    html = client.get(f"/inbox/{report.code}/").content.decode()
    assert 'id="map"' in html and "map-geometry" in html


def test_favicon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200


def test_a_refused_form_keeps_the_photos_and_the_categories(client, photo):
    from ruam.framework.models import Category

    flood = Category.objects.get(name_th="น้ำท่วม")
    data = form_data(
        lat="14.6",  # outside Bangkok: refused
        categories=[str(flood.pk)],
        photos=SimpleUploadedFile("a.jpg", photo, "image/jpeg"),
    )
    response = client.post("/reports/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(rf'value="{flood.pk}"[^>]*checked', html)  # the category stays chosen
    tokens = re.findall(r'name="held_photos" value="([^"]+)"', html)
    assert len(tokens) == 1  # the photo is kept, and the page says so
    assert Report.objects.count() == 0
    # Sent again with the place corrected and no file chosen: the kept photo goes with it.
    data = form_data(categories=[str(flood.pk)], held_photos=tokens)
    response = client.post("/reports/new/", data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.photos.count() == 1 and list(report.categories.all()) == [flood]


def test_a_kept_photo_token_works_only_for_its_own_form(client, photo):
    data = form_data(lat="14.6", photos=SimpleUploadedFile("a.jpg", photo, "image/jpeg"))
    html = client.post("/reports/new/", data).content.decode()
    token = re.findall(r'name="held_photos" value="([^"]+)"', html)[0]
    response = client.post("/reports/new/", form_data(submission="other", held_photos=[token]))
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 0


def test_after_pinning_the_form_says_which_district_and_subdistrict(client):
    html = client.get("/reports/nearby/", {"lat": "13.8596", "lon": "100.7046"}).content.decode()
    found = html[html.index('id="place-found"') :]
    found = found[: found.index("</p>")]
    assert "คลองสามวา" in found and "แขวง" in found
    html = client.get("/reports/nearby/", {"lat": "14.6", "lon": "100.5"}).content.decode()
    assert "นอกกรุงเทพมหานคร" in html
