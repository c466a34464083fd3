"""A report from a phone, with its photos, fits in one JSON request; anything larger is told so
in the API's format, and no other endpoint takes more than Django's usual cap."""

import base64
import json

import pytest

from ruam.accounts.services import create_api_key
from ruam.reports.models import Report, ReportEvent, ReportPhoto

from .answers import refused

pytestmark = pytest.mark.django_db
DJANGO_CAP = 2_621_440  # settings.DATA_UPLOAD_MAX_MEMORY_SIZE, for every other endpoint


@pytest.fixture
def key():
    return create_api_key(name="phone-app")[1]


def post(client, key, body: bytes, path="/api/v1/reports"):
    return client.post(path, body, content_type="application/json", headers={"X-Api-Key": key})


def report(**changes) -> dict:
    return {"description": "ถนนเป็นหลุมลึก", "lat": 13.8596, "lon": 100.7046, **changes}


def nothing_written() -> bool:
    return not (Report.objects.exists() or ReportEvent.objects.exists())


def test_five_photos_of_the_largest_size_taken_are_accepted(client, key, photo, settings):
    from ruam.reports.photos import MAX_BYTES

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == DJANGO_CAP  # not raised site-wide
    largest = photo + b"\0" * (MAX_BYTES - len(photo))  # as large as the photo checks take
    encoded = base64.b64encode(largest).decode()
    photos = [f"data:image/jpeg;base64,{encoded}", *[encoded] * 4]
    body = json.dumps(report(description="ถ" * 4000, photos=photos), ensure_ascii=True).encode()
    assert len(body) > 5 * 13_900_000
    response = post(client, key, body)
    assert response.status_code == 201, response.content[:300]
    assert len(response.json()["photos"]) == 5 == ReportPhoto.objects.count()


def test_a_larger_body_is_413_in_both_languages_and_nothing_is_read(client, key):
    from ruam.reports.api import REPORT_BODY_MAX

    body = b" " * (REPORT_BODY_MAX + 1)
    answer = refused(post(client, key, body), 413)
    assert "MB" in answer["message_en"] and "MB" in answer["message_th"]
    assert nothing_written()


def test_a_large_body_without_credentials_is_401(client):
    body = json.dumps(report(photos=["A" * (DJANGO_CAP + 10)])).encode()
    response = client.post("/api/v1/reports", body, content_type="application/json")
    refused(response, 401)
    assert nothing_written()


def test_other_endpoints_keep_djangos_cap_and_say_so_in_json(client, key):
    code = post(client, key, json.dumps(report()).encode()).json()["code"]
    events = ReportEvent.objects.count()
    body = json.dumps({"status": "in_progress", "note": "ก" * (DJANGO_CAP + 1)}).encode()
    answer = refused(post(client, key, body, f"/api/v1/reports/{code}/status"), 413)
    assert "2.5 MB" in answer["message_en"]
    assert ReportEvent.objects.count() == events


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"description": "\xff\xfe", "lat": 13.8596, "lon": 100.7046}', b"[1, 2"],
)
def test_a_body_that_is_not_json_in_utf8_is_400_in_both_languages(client, key, body):
    answer = refused(post(client, key, body), 400)
    assert "UTF-8" in answer["message_en"]
    assert nothing_written()
