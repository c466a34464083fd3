"""Assisted entry: an official records a walk-in's or a caller's report, with the resident's
consent (who took it, when, to which notice) kept when contact details are given."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ruam.bodies.models import Role
from ruam.reports.assisted import CONSENT_NOTICES, CONSENT_VERSION
from ruam.reports.models import Channel, Report, ReportEvent
from tests.conftest import jpeg

pytestmark = pytest.mark.django_db

WALK_IN = {
    "description": "ท่อระบายน้ำอุดตัน น้ำเอ่อขึ้นถนนทุกครั้งที่ฝนตก",
    "lat": "13.8596",
    "lon": "100.7046",
    "address": "หน้าตลาดนัดคลองสามวา",
    "contact_name": "ป้าสมใจ",
    "contact_phone": "0891234567",
    "consent": "on",
}


@pytest.fixture
def official(seat):
    return seat("office-1046", Role.OFFICIAL)


@pytest.fixture
def desk(client, official):
    client.force_login(official)
    return client


def test_a_walk_in_report_records_who_took_the_consent_and_when(desk, official):
    response = desk.post("/inbox/enter/", WALK_IN)
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == f"/inbox/{report.code}/slip/"
    assert report.channel == Channel.ASSISTED
    assert report.contact_name == "ป้าสมใจ" and report.contact_phone == "0891234567"
    assert report.consent_taken_by == official
    assert report.consent_version == CONSENT_VERSION and report.consent_at is not None
    assert report.reporter is None  # the official is not the reporter
    created = report.events.get(kind=ReportEvent.Kind.CREATED)
    assert created.actor == official and created.actor_body.code == "office-1046"
    assert report.district_id == "1046" and report.responsible.district_id == "1046"

    slip = desk.get(response["Location"])
    assert slip.status_code == 200
    text = slip.content.decode()
    assert report.display_code in text and "?key=" in text  # the private link, once
    assert f"ร่วม: รับเรื่อง {report.display_code} แล้ว" in text  # the SMS-ready text


def test_the_notice_read_to_the_resident_is_on_the_form_in_both_languages(desk):
    page = desk.get("/inbox/enter/").content.decode()
    notice = CONSENT_NOTICES[CONSENT_VERSION]
    assert notice.th in page and notice.en in page and CONSENT_VERSION in page


def test_contact_details_without_consent_are_refused_and_what_was_typed_stays(desk):
    response = desk.post("/inbox/enter/", {**WALK_IN, "consent": ""})
    assert response.status_code == 422
    assert Report.objects.count() == 0
    page = response.content.decode()
    assert "ป้าสมใจ" in page and "ท่อระบายน้ำอุดตัน" in page
    assert "consent" in page.lower() or "ยินยอม" in page


def refused_with_a_photo(desk) -> tuple[str, list[str]]:
    """The form opened, sent with a photo but without the consent: (submission id, tokens of
    the photos it kept)."""
    form = desk.get("/inbox/enter/").content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    photo = SimpleUploadedFile("drain.jpg", jpeg(900, 600), content_type="image/jpeg")
    refused = desk.post(
        "/inbox/enter/",
        {**WALK_IN, "consent": "", "photos": [photo], "submission": submission},
    )
    assert refused.status_code == 422 and Report.objects.count() == 0
    page = refused.content.decode()
    assert f'value="{submission}"' in page  # the same form, sent again
    return submission, re.findall(r'name="held_photos" value="([^"]+)"', page)


def test_a_refused_entry_keeps_the_photos_and_sends_them_with_the_report(desk):
    submission, tokens = refused_with_a_photo(desk)
    assert len(tokens) == 1
    sent = desk.post("/inbox/enter/", {**WALK_IN, "submission": submission, "held_photos": tokens})
    assert sent.status_code == 302
    assert Report.objects.get().photos.count() == 1  # the photo chosen before the refusal


def test_a_held_photo_removed_by_the_official_is_not_sent(desk):
    submission, (token,) = refused_with_a_photo(desk)
    form = {**WALK_IN, "submission": submission, "held_photos": [token], "drop_photo": [token]}
    assert desk.post("/inbox/enter/", form).status_code == 302
    assert Report.objects.get().photos.count() == 0


def test_without_contact_details_no_consent_is_recorded(desk):
    fields = {k: v for k, v in WALK_IN.items() if not k.startswith("contact") and k != "consent"}
    assert desk.post("/inbox/enter/", fields).status_code == 302
    report = Report.objects.get()
    assert report.consent_at is None and report.consent_taken_by is None
    assert report.contact_phone == ""


def test_an_official_of_another_district_is_refused_and_nothing_is_written(client, seat):
    client.force_login(seat("office-1001", Role.OFFICIAL))
    response = client.post("/inbox/enter/", WALK_IN)
    assert response.status_code == 403
    assert Report.objects.count() == 0
    assert "ป้าสมใจ" in response.content.decode()  # kept on the page


def test_a_resident_cannot_open_the_form(client, make_user):
    client.force_login(make_user())
    assert client.get("/inbox/enter/").status_code == 403


def test_the_channel_is_shown_in_the_inbox_and_on_the_public_page(desk):
    desk.post("/inbox/enter/", WALK_IN)
    report = Report.objects.get()
    public = desk.get(f"/reports/{report.code}/").content.decode()
    assert "ป้าสมใจ" not in public and "0891234567" not in public
    assert 'class="channel"' in public
    inbox = desk.get("/inbox/?view=all").content.decode()
    assert report.display_code in inbox and "channel" in inbox


def test_a_repeated_submission_makes_one_report(desk):
    fields = {**WALK_IN, "submission": "desk-1"}
    desk.post("/inbox/enter/", fields)
    desk.post("/inbox/enter/", fields)
    assert Report.objects.count() == 1
