"""The reports API as a client program sees it."""

import base64

import pytest

from ruam.accounts.services import create_api_key, revoke_api_key
from ruam.bodies.models import Body, Role
from ruam.reports.api import ReportOut
from ruam.reports.models import Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

POINT = {"lat": 13.8596, "lon": 100.7046}
PERSONAL = {
    "contact_name": "สมศรี ทดสอบ",
    "contact_email": "somsri@example.com",
    "contact_phone": "0812345678",
    "consent": True,
}


@pytest.fixture
def key():
    return create_api_key(name="test-app")[1]


def post(client, key, payload, **headers):
    return client.post(
        "/api/v1/reports",
        payload,
        content_type="application/json",
        headers={"X-Api-Key": key, **headers},
    )


def test_create_with_an_api_key(client, key, photo):
    payload = {
        "description": "ไฟดับทั้งซอย",
        "categories": ["แสงสว่าง"],
        **POINT,
        **PERSONAL,
        "photos": [base64.b64encode(photo).decode()],
    }
    response = post(client, key, payload)
    assert response.status_code == 201
    body = response.json()
    assert body["district_code"] == "1046" and body["status"] == "waiting"
    assert body["categories"] == ["แสงสว่าง"]
    assert body["responsible"]["code"] == "division-1046-works"
    assert len(body["photos"]) == 1
    report = Report.objects.get(code=body["code"])
    assert report.channel == "api" and report.contact_email == "somsri@example.com"
    raw = response.content.decode()
    for value in ("somsri@example.com", "0812345678", "สมศรี"):
        assert value not in raw
    # The create answer skips per-request validation: it must be exactly what ReportOut makes,
    # and what the detail endpoint answers for the same report.
    assert set(body) == set(ReportOut.model_fields) and ReportOut.model_validate(body)
    assert body == client.get(f"/api/v1/reports/{body['code']}").json()


def test_create_without_a_key_is_401(client):
    response = client.post(
        "/api/v1/reports", {"description": "x", **POINT}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["message_th"]


def test_a_post_without_a_key_or_a_csrf_token_is_refused_in_both_languages():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)  # as a real client: no test exemption
    response = strict.post(
        "/api/v1/reports", {"description": "x", **POINT}, content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert "X-Api-Key" in body["message_en"] and "X-Api-Key" in body["message_th"]
    assert body["message_th"] != body["message_en"]
    assert not Report.objects.exists()


def test_a_revoked_key_no_longer_works(client, key):
    revoke_api_key(name="test-app")
    assert post(client, key, {"description": "x", **POINT}).status_code == 401


def test_idempotency_key_makes_one_report(client, key):
    payload = {"description": "ถนนเป็นหลุม", "categories": ["ถนน"], **POINT}
    first = post(client, key, payload, **{"Idempotency-Key": "k-1"})
    second = post(client, key, payload, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": "", **POINT}, "description"),
        ({"description": "x", "lat": 14.5, "lon": 100.5}, "lat"),
        ({"description": "x", **POINT, "categories": ["nope"]}, "categories"),
        ({"description": "x", **POINT, "photos": ["!!!"]}, "photos.0"),
        (
            {"description": "x", **POINT, "photos": [base64.b64encode(b"GIF89a...").decode()]},
            "photos",
        ),
        ({"description": "x", **POINT, "contact_email": "a@b.co"}, "consent"),
    ],
)
def test_bad_input_is_422_with_field_messages_and_writes_nothing(client, key, payload, field):
    response = post(client, key, payload)
    assert response.status_code == 422
    body = response.json()
    assert field in {e["field"] for e in body["errors"]}
    error = next(e for e in body["errors"] if e["field"] == field)
    assert error["message_th"] and error["message_en"]
    assert Report.objects.count() == 0


def test_malformed_json_is_422(client, key):
    response = client.post(
        "/api/v1/reports", "{not json", content_type="application/json", headers={"X-Api-Key": key}
    )
    assert response.status_code in {400, 422}
    assert Report.objects.count() == 0


def test_list_detail_and_events(client, key):
    codes = [
        post(client, key, {"description": f"เรื่อง {i}", **POINT}).json()["code"] for i in range(3)
    ]
    body = client.get("/api/v1/reports", {"limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert body["items"][0]["code"] == codes[-1]
    page2 = client.get("/api/v1/reports", {"limit": 2, "offset": 2}).json()
    assert [r["code"] for r in page2["items"]] == [codes[0]]
    assert client.get("/api/v1/reports", {"district": "1001"}).json()["count"] == 0
    assert client.get("/api/v1/reports", {"status": "waiting"}).json()["count"] == 3
    detail = client.get(f"/api/v1/reports/{codes[0]}").json()
    assert detail["description"] == "เรื่อง 0"
    events = client.get(f"/api/v1/reports/{codes[0]}/events").json()
    assert events["count"] == 1 and events["items"][0]["kind"] == "created"
    assert client.get("/api/v1/reports/ZZZZZZZZ").status_code == 404


def test_list_rejects_a_limit_over_500(client):
    assert client.get("/api/v1/reports", {"limit": 501}).status_code == 422


def test_staff_change_status_through_the_api(client, key, seat):
    code = post(client, key, {"description": "ขยะล้น", "categories": ["ความสะอาด"], **POINT}).json()[
        "code"
    ]
    official = seat("division-1046-cleansing", Role.OFFICIAL)
    client.force_login(official)
    response = client.post(
        f"/api/v1/reports/{code}/status", {"status": "in_progress"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    other = seat("division-1001-works", Role.OFFICIAL)
    client.force_login(other)
    response = client.post(
        f"/api/v1/reports/{code}/status",
        {"status": "coordinating"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_key_acting_for_a_body_can_move_its_reports(client, key):
    office_key = create_api_key(name="office-app", body=Body.objects.get(code="office-1046"))[1]
    code = post(client, key, {"description": "ต้นไม้ล้ม", **POINT}).json()["code"]
    response = client.post(
        f"/api/v1/reports/{code}/status",
        {"status": "not_relevant"},
        content_type="application/json",
        headers={"X-Api-Key": office_key},
    )
    assert response.status_code == 422  # a reason is required
    response = client.post(
        f"/api/v1/reports/{code}/status",
        {"status": "not_relevant", "note": "ที่เอกชน"},
        content_type="application/json",
        headers={"X-Api-Key": office_key},
    )
    assert response.status_code == 200
    assert Report.objects.get(code=code).status == Status.NOT_RELEVANT
    # A plain key (acting for no body) may send reports but not move them.
    response = client.post(
        f"/api/v1/reports/{code}/status",
        {"status": "waiting"},
        content_type="application/json",
        headers={"X-Api-Key": key},
    )
    assert response.status_code == 403


def test_categories_and_suggestions(client):
    body = client.get("/api/v1/categories").json()
    assert body["count"] == 24
    suggestions = client.get("/api/v1/categories/suggest", {"text": "น้ำท่วมขังหน้าบ้าน"}).json()
    assert suggestions["items"][0]["name_th"] == "น้ำท่วม"


def test_apikey_command_creates_and_revokes(capsys):
    from django.core.management import call_command

    call_command("apikey", "create", "line-bot")
    key = capsys.readouterr().out.strip()
    assert key.startswith("ruam_")
    from ruam.accounts.services import api_key_from

    assert api_key_from(key).name == "line-bot"
    call_command("apikey", "revoke", "line-bot")
    assert api_key_from(key) is None
