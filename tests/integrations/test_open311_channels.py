"""Open311 clients as they are: FixMyStreet sends contact details without a consent attribute,
and sends its residents' updates with POST servicerequestupdates (docs/OPEN311.md)."""

from urllib.parse import urlencode

import pytest

from ruam.accounts.services import create_api_key
from ruam.framework.models import Category
from ruam.integrations.open311.views import CLIENT_ATTESTED
from ruam.reports.models import Report, ReportEvent
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
FIXMYSTREET = {  # what FixMyStreet's Open311 client sends for every report
    "lat": "13.8596",
    "long": "100.7046",
    "description": "title: ไฟทางดับ\n\ndetail: ไฟดับทั้งซอย\n\nSubmitted via FixMyStreet",
    "email": "somchai@example.com",
    "first_name": "สมชาย",
    "last_name": "ใจดี",
    "phone": "0812345678",
}


def form(client, path: str, fmt: str = "json", **fields):
    return client.post(
        f"{BASE}{path}.{fmt}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )


def service_code() -> str:
    return str(Category.objects.get(name_th="แสงสว่าง").pk)


@pytest.fixture
def key():
    return create_api_key(name="fixmystreet")[1]


@pytest.fixture
def attesting_key():
    return create_api_key(name="district-app", client_collects_consent=True)[1]


def test_a_plain_post_with_an_email_and_no_consent_attribute_is_201_and_drops_the_email(
    client, key
):
    response = form(client, "requests", api_key=key, service_code=service_code(), **FIXMYSTREET)
    assert response.status_code == 201, response.content.decode()
    (answer,) = response.json()
    report = Report.objects.get(code=answer["service_request_id"])
    assert (report.contact_name, report.contact_email, report.contact_phone) == ("", "", "")
    assert report.consent_at is None
    assert "contact details not stored" in answer["service_notice"]
    assert "ไม่ได้เก็บข้อมูลติดต่อ" in answer["service_notice"]
    assert report.description.startswith("title: ไฟทางดับ")


def test_an_attesting_key_keeps_the_contact_details_with_its_consent_recorded(
    client, attesting_key
):
    response = form(
        client, "requests", "xml", api_key=attesting_key, service_code=service_code(), **FIXMYSTREET
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.contact_email == "somchai@example.com"
    assert report.contact_name == "สมชาย ใจดี" and report.contact_phone == "0812345678"
    assert report.consent_at is not None and report.consent_version == CLIENT_ATTESTED
    assert b"not stored" not in response.content


def test_an_explicit_no_wins_over_the_keys_attestation(client, attesting_key):
    fields = {**FIXMYSTREET, "attribute[contact_consent]": "false"}
    response = form(
        client, "requests", api_key=attesting_key, service_code=service_code(), **fields
    )
    assert response.status_code == 201
    assert Report.objects.get().contact_email == ""


def test_the_consent_attribute_still_keeps_them(client, key):
    fields = {**FIXMYSTREET, "attribute[contact_consent]": "true"}
    assert (
        form(client, "requests", api_key=key, service_code=service_code(), **fields).status_code
        == 201
    )
    report = Report.objects.get()
    assert report.contact_email == "somchai@example.com" and report.consent_version == "2026-11"


@pytest.mark.parametrize("bad", [{"email": "not an email"}, {"phone": "call me"}])
def test_contact_details_that_are_not_valid_are_dropped_not_the_report(client, key, bad):
    fields = {**FIXMYSTREET, **bad, "attribute[contact_consent]": "true"}
    response = form(client, "requests", api_key=key, service_code=service_code(), **fields)
    assert response.status_code == 201
    report = Report.objects.get()
    assert (report.contact_email, report.contact_phone, report.consent_at) == ("", "", None)
    assert "not valid" in response.json()[0]["service_notice"]


def test_the_apikey_command_sets_the_attestation(capsys):
    from django.core.management import call_command

    from ruam.accounts.models import ApiKey

    call_command("apikey", "create", "fms-lewisham", "--client-collects-consent")
    call_command("apikey", "create", "plain-app")
    assert ApiKey.objects.get(name="fms-lewisham").client_collects_consent is True
    assert ApiKey.objects.get(name="plain-app").client_collects_consent is False


# -- POST servicerequestupdates -----------------------------------------------------------


def _sent(client, key) -> Report:
    response = form(client, "requests", api_key=key, service_code=service_code(), **FIXMYSTREET)
    return Report.objects.get(code=response.json()[0]["service_request_id"])


def _set_status(report: Report, status: str) -> None:
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()


def update(client, key, report, fmt="json", **extra):
    fields = {
        "api_key": key,
        "service_request_id": report.code,
        "description": "ยังไม่ได้แก้ ไฟยังดับอยู่",
        "status": "OPEN",
        "updated_datetime": "2026-12-01T10:00:00+07:00",
        "email": "somchai@example.com",
        **extra,
    }
    return form(client, "servicerequestupdates", fmt, **fields)


def test_still_not_fixed_reopens_a_finished_report_as_the_reporter_would(client, key):
    report = _sent(client, key)
    _set_status(report, Status.FINISHED)
    response = update(client, key, report, update_id_ext="fms-771")
    assert response.status_code == 201, response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.reopen_count == 1
    event = report.events.get(kind=ReportEvent.Kind.REOPENED)
    assert response.json() == [{"update_id": str(event.pk)}]
    assert "ยังไม่ได้แก้" in event.note and "fixmystreet" in event.note
    # The client's retry (same update_id_ext) makes nothing new and answers the same id.
    again = update(client, key, report, update_id_ext="fms-771")
    assert again.status_code == 200 and again.json() == [{"update_id": str(event.pk)}]
    assert report.events.count() == 2


def test_fixed_confirms_a_finished_report(client, key):
    report = _sent(client, key)
    _set_status(report, Status.FINISHED)
    response = update(client, key, report, "xml", status="FIXED", description="ซ่อมแล้ว ขอบคุณ")
    assert response.status_code == 201
    assert b"<service_request_updates><request_update><update_id>" in response.content
    report.refresh_from_db()
    assert report.status == Status.CONFIRMED
    assert report.events.filter(kind=ReportEvent.Kind.NOTE, note__contains="ขอบคุณ").exists()


def test_an_update_on_an_open_report_is_a_note_on_its_timeline(client, key):
    report = _sent(client, key)
    response = update(client, key, report, description="ตอนนี้ดับเพิ่มอีกสองต้น")
    assert response.status_code == 201
    report.refresh_from_db()
    assert report.status == Status.WAITING
    assert report.events.filter(kind=ReportEvent.Kind.NOTE).count() == 1


def test_only_the_key_that_sent_the_report_may_update_it(client, key):
    report = _sent(client, key)
    _set_status(report, Status.FINISHED)
    other = create_api_key(name="someone-else")[1]
    response = update(client, other, report)
    assert response.status_code == 403
    assert (
        "api_key" in response.json()[0]["description"]
        or "program" in response.json()[0]["description"]
    )
    report.refresh_from_db()
    assert report.status == Status.FINISHED and report.events.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"service_request_id": "NOSUCH99"}, 404),
        ({"service_request_id": ""}, 400),
        ({"description": "  "}, 400),
        ({"description": "ก" * 4001}, 400),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(client, key, change, status):
    report = _sent(client, key)
    response = update(client, key, report, **change)
    assert response.status_code == status
    assert report.events.count() == 1
