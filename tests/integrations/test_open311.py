"""Open311 GeoReport v2 (and mySociety's servicerequestupdates) as a client program sees it."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from ruam.accounts.services import create_api_key, revoke_api_key
from ruam.bodies.models import Role
from ruam.framework.models import Category
from ruam.integrations.open311.serializers import open_or_closed
from ruam.reports import services
from ruam.reports.models import Channel, Report, ReportEvent
from ruam.reports.statuses import CLOSED, OPEN, Status

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
POINT = {"lat": "13.8596", "long": "100.7046"}  # คลองสามวา (1046)
PERSONAL = {
    "first_name": "สมศรี",
    "last_name": "ใจดีมาก",
    "email": "somsri.open311@example.com",
    "phone": "0812345678",
}
PERSONAL_VALUES = ["สมศรี", "ใจดีมาก", "somsri.open311@example.com", "0812345678", "081 234"]


def code_of(name_th: str) -> str:
    return str(Category.objects.get(name_th=name_th).pk)


def xml(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


@pytest.fixture
def key():
    return create_api_key(name="open311-app")[1]


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


def post(client, fmt="json", headers=None, **fields):
    return client.post(
        f"{BASE}requests.{fmt}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=headers or {},
    )


def new_request(client, key, **extra) -> str:
    fields = {
        "api_key": key,
        "service_code": code_of("น้ำท่วม"),
        "description": "น้ำท่วมขังหน้าซอย รถผ่านไม่ได้",
        **POINT,
        **extra,
    }
    response = post(client, **fields)
    assert response.status_code == 201, response.content.decode()
    return response.json()[0]["service_request_id"]


def submit(**extra) -> Report:
    values = {
        "description": "ไฟทางดับทั้งซอย",
        "channel": Channel.WEB,
        "lat": 13.8596,
        "lon": 100.7046,
        "categories": ["แสงสว่าง"],
    }
    values.update(extra)
    return services.submit_report(**values).report


# -- discovery and services ----------------------------------------------------------------


def test_discovery_in_both_formats(client):
    data = client.get(f"{BASE}discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://ruam.test/open311/v2/"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_json(client):
    response = client.get(f"{BASE}services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "ถนน".encode() in response.content  # Thai as it is, not \u escapes
    items = response.json()
    assert len(items) == 24
    road = next(s for s in items if s["service_code"] == code_of("ถนน"))
    assert road == {
        "service_code": code_of("ถนน"),
        "service_name": "ถนน",
        "description": "Road / ถนน",
        "metadata": True,
        "type": "realtime",
        "keywords": road["keywords"],
        "group": "Utilities, infrastructure and traffic",
    }
    assert "Road" in road["keywords"] and "ถนน" in road["keywords"]


def test_services_xml(client):
    response = client.get(f"{BASE}services.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = xml(response)
    assert root.tag == "services"
    found = root.findall("service")
    assert len(found) == 24
    flood = next(s for s in found if s.findtext("service_code") == code_of("น้ำท่วม"))
    assert flood.findtext("service_name") == "น้ำท่วม"
    assert flood.findtext("description") == "Flooding / น้ำท่วม"
    assert flood.findtext("metadata") == "true" and flood.findtext("type") == "realtime"


def test_inactive_categories_are_not_services(client, key):
    question = Category.objects.get(name_th="สอบถาม")
    question.is_active = False
    question.save()  # through save(): cached reference data is cleared
    codes = {s["service_code"] for s in client.get(f"{BASE}services.json").json()}
    assert len(codes) == 23 and code_of("สอบถาม") not in codes
    assert client.get(f"{BASE}services/{code_of('สอบถาม')}.json").status_code == 404
    response = post(
        client, api_key=key, service_code=code_of("สอบถาม"), description="ถามหน่อย", **POINT
    )
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("service_code: ")


def test_service_definition(client):
    code = code_of("ถนน")
    data = client.get(f"{BASE}services/{code}.json").json()
    assert data["service_code"] == code
    (attribute,) = data["attributes"]
    assert attribute["code"] == "contact_consent"
    assert attribute["datatype"] == "singlevaluelist" and attribute["required"] is False
    assert [v["key"] for v in attribute["values"]] == ["true", "false"]
    assert "PDPA" in attribute["description"]
    root = xml(client.get(f"{BASE}services/{code}.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == code
    assert root.findtext("attributes/attribute/code") == "contact_consent"
    assert [v.text for v in root.findall("attributes/attribute/values/value/key")] == [
        "true",
        "false",
    ]


@pytest.mark.parametrize("code", ["9999", "abc", "ถนน"])
def test_unknown_service_is_404(client, code):
    response = client.get(f"{BASE}services/{code}.json")
    assert response.status_code == 404
    (error,) = response.json()
    assert error["code"] == 404 and "service_code" in error["description"]


def test_unknown_format_and_method(client):
    response = client.get(f"{BASE}services.html")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"
    response = client.delete(f"{BASE}requests.json")
    assert response.status_code == 405 and response.json()[0]["code"] == 405
    assert client.post(f"{BASE}services.json").status_code == 405


# -- POST requests ---------------------------------------------------------------------------


def test_post_creates_a_routed_report(client, key):
    response = post(
        client,
        api_key=key,
        jurisdiction_id="bangkok.go.th",
        service_code=code_of("น้ำท่วม"),
        description="น้ำท่วมขังหน้าซอย รถผ่านไม่ได้",
        address_string="ปากซอยสุขาภิบาล 5",
        media_url="https://example.com/photo.jpg",
        **{"attribute[contact_consent]": "true"},
        **POINT,
        **PERSONAL,
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (answer,) = response.json()
    report = Report.objects.get()
    assert answer["service_request_id"] == report.code and len(report.code) == 8
    assert answer["account_id"] is None
    assert "https://ruam.test/reports/" in answer["service_notice"]
    assert report.channel == Channel.OPEN311
    assert report.district_id == "1046"
    assert report.responsible.code == "division-1046-works"
    assert [c.name_th for c in report.categories.all()] == ["น้ำท่วม"]
    assert report.address == "ปากซอยสุขาภิบาล 5"
    assert report.contact_name == "สมศรี ใจดีมาก"
    assert report.contact_email == PERSONAL["email"] and report.contact_phone == "0812345678"
    assert report.consent_at is not None
    assert report.photos.count() == 0  # media_url is not fetched
    assert report.events.get().kind == ReportEvent.Kind.CREATED


def test_post_with_photos_as_multipart_media(client, key, photo):
    """A resident's app sends the photo itself: stored like the web form's, and shown back."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{BASE}requests.json",
        {
            "api_key": key,
            "service_code": code_of("ถนน"),
            "description": "ถนนเป็นหลุมลึกหน้าตลาด",
            "media": [
                SimpleUploadedFile("pothole.jpg", photo, "image/jpeg"),
                SimpleUploadedFile("again.jpg", photo, "image/jpeg"),
            ],
            **POINT,
        },
    )
    assert response.status_code == 201, response.content.decode()
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert report.channel == Channel.OPEN311 and report.photos.count() == 2
    assert all(p.kind == "report" and p.thumbnail for p in report.photos.all())
    (shown,) = client.get(f"{BASE}requests/{report.code}.json").json()
    assert shown["media_url"].startswith("http") and "/media/" in shown["media_url"]


def test_a_bad_media_file_is_400_and_nothing_is_stored(client, key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{BASE}requests.json",
        {
            "api_key": key,
            "service_code": code_of("ถนน"),
            "description": "ถนนเป็นหลุมลึกหน้าตลาด",
            "media": SimpleUploadedFile("not-a-photo.jpg", b"%PDF-1.4 hello", "image/jpeg"),
            **POINT,
        },
    )
    assert response.status_code == 400
    (problem,) = response.json()
    assert "media" in problem["description"]
    assert not Report.objects.exists()


def test_post_answers_in_xml(client, key):
    response = post(
        client,
        "xml",
        api_key=key,
        service_code=code_of("ถนน"),
        description="ถนนเป็นหลุมลึก",
        **POINT,
    )
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    code = root.findtext("request/service_request_id")
    assert Report.objects.get(code=code).channel == Channel.OPEN311
    assert root.find("request/account_id") is not None


def test_post_needs_no_csrf_token(key):
    client = Client(enforce_csrf_checks=True)
    response = post(client, api_key=key, service_code=code_of("ถนน"), description="ถนนพัง", **POINT)
    assert response.status_code == 201


@pytest.mark.parametrize("given", [None, "", "ruam_not-a-real-key"])
def test_post_without_a_valid_key_is_403(client, given):
    fields = {"service_code": code_of("ถนน"), "description": "ถนนพัง", **POINT}
    if given is not None:
        fields["api_key"] = given
    response = post(client, **fields)
    assert response.status_code == 403
    (error,) = response.json()
    assert error["code"] == 403 and "api_key" in error["description"]
    assert thai(error["description"])
    assert Report.objects.count() == 0


def test_a_revoked_key_is_403_in_xml(client, key):
    revoke_api_key(name="open311-app")
    response = post(
        client, "xml", api_key=key, service_code=code_of("ถนน"), description="x", **POINT
    )
    assert response.status_code == 403
    root = xml(response)
    assert root.tag == "errors" and root.findtext("error/code") == "403"
    assert "api_key" in root.findtext("error/description")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": "abc"}, "lat"),
        ({"lat": "95", "long": "100.5"}, "lat"),
        ({"lat": "14.5", "long": "100.5"}, "lat"),  # outside Bangkok
        ({"description": "   "}, "description"),
        ({"description": "ก" * 4001}, "description"),
        ({"service_code": "9999"}, "service_code"),
        ({"service_code": "ถนน"}, "service_code"),  # codes are ids, not names
        ({"service_code": ""}, "service_code"),
        ({"lat": "", "long": "", "address_string": "หน้าวัดโพธิ์"}, "lat/long"),
        ({"long": ""}, "lat/long"),
        ({"attribute[contact_consent]": "maybe"}, "attribute[contact_consent]"),
        # Contact details without consent, or not valid, never cost the report:
        # tests/integrations/test_open311_channels.py.
    ],
)
def test_bad_input_is_400_in_both_languages(client, key, changes, field):
    fields = {
        "api_key": key,
        "service_code": code_of("ถนน"),
        "description": "ถนนเป็นหลุม",
        **POINT,
        **changes,
    }
    response = post(client, **fields)
    assert response.status_code == 400
    errors = response.json()
    assert all(e["code"] == 400 for e in errors)
    mine = [e["description"] for e in errors if e["description"].startswith(f"{field}: ")]
    assert mine, errors
    english, thai_part = mine[0].split(" / ", 1)
    assert english.isascii() and thai(thai_part)
    assert Report.objects.count() == 0


def test_outside_bangkok_says_so_in_xml(client, key):
    response = post(
        client,
        "xml",
        api_key=key,
        service_code=code_of("ถนน"),
        description="ถนนพัง",
        lat="14.5",
        long="100.5",
    )
    assert response.status_code == 400
    description = xml(response).findtext("error/description")
    assert description.startswith("lat: This place is outside Bangkok")
    assert "ตำแหน่งนี้อยู่นอกกรุงเทพมหานคร" in description


def test_too_many_posts_are_429(client, key, settings):
    settings.RUAM_RATELIMITS = {**settings.RUAM_RATELIMITS, "report_api": (1, 60)}
    new_request(client, key)
    response = post(client, api_key=key, service_code=code_of("ถนน"), description="อีกเรื่อง", **POINT)
    assert response.status_code == 429 and response.json()[0]["code"] == 429


def test_idempotency_key_makes_one_report(client, key):
    fields = {
        "api_key": key,
        "service_code": code_of("ถนน"),
        "description": "ถนนเป็นหลุม",
        **POINT,
    }
    first = post(client, headers={"Idempotency-Key": "o311-1"}, **fields)
    second = post(client, headers={"Idempotency-Key": "o311-1"}, **fields)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == second.json()[0]["service_request_id"]
    assert Report.objects.count() == 1
    # Without the header, the same request sent again is a new report.
    post(client, **fields)
    assert Report.objects.count() == 2


# -- GET requests ----------------------------------------------------------------------------


def test_get_one_request_in_json(client, key, official, photo):
    code = new_request(client, key, address_string="ปากซอย")
    report = Report.objects.get(code=code)
    services.change_status(report, actor=official, to=Status.IN_PROGRESS, photos=[photo])
    services.change_status(
        report,
        actor=official,
        to=Status.FORWARDED,
        note="ส่งให้สำนักการระบายน้ำ",
        target_body=report.department,
    )
    report.refresh_from_db()
    response = client.get(f"{BASE}requests/{code}.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    (item,) = response.json()
    assert item["service_request_id"] == code
    assert item["status"] == "open"
    assert item["status_notes"] == "ส่งให้สำนักการระบายน้ำ"
    assert item["service_code"] == code_of("น้ำท่วม") and item["service_name"] == "น้ำท่วม"
    assert item["description"] == "น้ำท่วมขังหน้าซอย รถผ่านไม่ได้"
    assert item["agency_responsible"] == report.responsible.name_th
    assert item["requested_datetime"].endswith("+07:00")
    assert dt.datetime.fromisoformat(item["requested_datetime"]) == report.created.replace(
        microsecond=0
    )
    assert dt.datetime.fromisoformat(item["updated_datetime"]) == report.status_changed.replace(
        microsecond=0
    )
    assert dt.datetime.fromisoformat(item["expected_datetime"]) == report.deadline.replace(
        microsecond=0
    )
    assert item["address"] == "ปากซอย" and item["address_id"] == ""
    assert item["zipcode"] == report.subdistrict.postal_code and len(item["zipcode"]) == 5
    assert (item["lat"], item["long"]) == (13.8596, 100.7046)
    assert item["media_url"].startswith("https://ruam.test/media/reports/")
    assert item["media_url"].endswith(".jpg")


def test_get_one_request_in_xml_with_a_dashed_lowercase_id(client, key):
    code = new_request(client, key)
    asked = f"{code[:4]}-{code[4:]}".lower()
    root = xml(client.get(f"{BASE}requests/{asked}.xml"))
    assert root.tag == "service_requests"
    (item,) = root.findall("request")
    assert item.findtext("service_request_id") == code
    assert item.findtext("status") == "open"
    assert item.findtext("service_name") == "น้ำท่วม"
    assert item.findtext("lat") == "13.8596" and item.findtext("long") == "100.7046"
    assert item.findtext("media_url") == ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(client, fmt):
    response = client.get(f"{BASE}requests/ZZZZ2222.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404
    else:
        assert xml(response).findtext("error/code") == "404"


def test_requests_filter_by_status(client, official, photo):
    fixed = submit()
    waiting = submit(description="ถนนเป็นหลุม", categories=["ถนน"])
    services.change_status(fixed, actor=official, to=Status.FINISHED, photos=[photo])

    def codes(**params):
        response = client.get(f"{BASE}requests.json", params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert codes() == {fixed.code, waiting.code}
    assert codes(status="open") == {waiting.code}
    assert codes(status="closed") == {fixed.code}
    assert codes(status="open,closed") == {fixed.code, waiting.code}
    root = xml(client.get(f"{BASE}requests.xml", {"status": "closed"}))
    assert [r.findtext("status") for r in root.findall("request")] == ["closed"]
    assert client.get(f"{BASE}requests.json", {"status": "fixed"}).status_code == 400


def test_requests_filter_by_service_code_and_ids(client):
    light = submit()
    road = submit(description="ถนนเป็นหลุม", categories=["ถนน"])
    other = submit(description="ท่อตัน", categories=["ท่อระบายน้ำ"])

    def codes(**params):
        return {r["service_request_id"] for r in client.get(f"{BASE}requests.json", params).json()}

    assert codes(service_code=code_of("ถนน")) == {road.code}
    both = f"{code_of('ถนน')},{code_of('แสงสว่าง')}"
    assert codes(service_code=both) == {road.code, light.code}
    assert codes(service_code="9999") == set()
    # A list of ids overrides every other argument.
    asked = f"{light.code}, {other.code[:4]}-{other.code[4:]},NOPE2345"
    assert codes(service_request_id=asked, status="closed") == {light.code, other.code}


def test_requests_filter_by_dates(client):
    recent = submit()
    old = submit(description="เรื่องเก่า")
    long_ago = timezone.now() - dt.timedelta(days=100)
    Report.objects.filter(pk=old.pk).update(created=long_ago)

    def get(**params):
        return client.get(f"{BASE}requests.json", params)

    def codes(**params):
        response = get(**params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    # The default window is the last 90 days.
    assert codes() == {recent.code}
    start = (long_ago - dt.timedelta(days=1)).isoformat()
    end = (long_ago + dt.timedelta(days=1)).isoformat()
    assert codes(start_date=start, end_date=end) == {old.code}
    assert codes(start_date=start) == {old.code}  # start + 90 days
    assert codes(end_date=end) == {old.code}  # end − 90 days
    day = timezone.localdate()
    assert codes(start_date=f"{day}T00:00:00+07:00") == {recent.code}
    # An unencoded "+07:00" arrives as " 07:00" and is still understood.
    response = client.get(f"{BASE}requests.json?start_date={day}T00:00:00+07:00")
    assert {r["service_request_id"] for r in response.json()} == {recent.code}

    for params in (
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    ):
        response = get(**params)
        assert response.status_code == 400, params
        (error,) = response.json()
        assert error["code"] == 400 and thai(error["description"])
    response = client.get(f"{BASE}requests.xml", {"start_date": "nope"})
    assert response.status_code == 400
    assert xml(response).findtext("error/description").startswith("start_date: ")


def test_requests_are_capped_at_1000(client, monkeypatch):
    from ruam.integrations.open311 import views

    monkeypatch.setattr(views, "MAX_RESULTS", 2)
    for _ in range(3):
        submit()
    assert len(client.get(f"{BASE}requests.json").json()) == 2


def test_tokens(client, key):
    code = new_request(client, key)
    assert client.get(f"{BASE}tokens/{code}.json").json() == [
        {"service_request_id": code, "token": code}
    ]
    root = xml(client.get(f"{BASE}tokens/{code}.xml"))
    assert root.findtext("request/service_request_id") == code
    assert root.findtext("request/token") == code
    response = client.get(f"{BASE}tokens/ZZZZ2222.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


# -- servicerequestupdates ----------------------------------------------------------------------


def test_updates_list_status_changes_with_the_after_photo(client, official, photo):
    report = submit()
    services.change_status(report, actor=official, to=Status.IN_PROGRESS)
    services.change_status(
        report, actor=official, to=Status.FINISHED, note="เปลี่ยนหลอดไฟแล้ว", photos=[photo]
    )
    services.support(submit(description="อีกเรื่อง"), fingerprint="abc")  # not an update

    response = client.get(f"{BASE}servicerequestupdates.json")
    assert response.status_code == 200
    items = response.json()
    assert [i["external_status_code"] for i in items] == ["in_progress", "finished"]
    progress, finished = items
    assert progress["status"] == "open" and progress["media_url"] == ""
    assert finished == {
        "update_id": str(report.events.get(to_status=Status.FINISHED).pk),
        "service_request_id": report.code,
        "status": "closed",
        "updated_datetime": finished["updated_datetime"],
        "description": "เปลี่ยนหลอดไฟแล้ว",
        "media_url": finished["media_url"],
        "external_status_code": "finished",
    }
    assert finished["updated_datetime"].endswith("+07:00")
    after = report.photos.get(kind="after")
    assert finished["media_url"] == f"https://ruam.test{after.image.url}"

    root = xml(client.get(f"{BASE}servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert [u.findtext("status") for u in updates] == ["open", "closed"]
    assert updates[1].findtext("media_url") == finished["media_url"]


def test_updates_follow_the_dates(client, official):
    report = submit()
    event = services.change_status(report, actor=official, to=Status.IN_PROGRESS)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    ReportEvent.objects.filter(pk=event.pk).update(created=two_days_ago)

    def ids(**params):
        response = client.get(f"{BASE}servicerequestupdates.json", params)
        assert response.status_code == 200, response.content
        return [u["update_id"] for u in response.json()]

    assert ids() == []  # the default window is the last 24 hours
    start = (two_days_ago - dt.timedelta(hours=1)).isoformat()
    assert ids(start_date=start) == [str(event.pk)]
    assert (
        ids(start_date=start, end_date=(two_days_ago - dt.timedelta(minutes=1)).isoformat()) == []
    )
    response = client.get(f"{BASE}servicerequestupdates.json", {"end_date": "soon"})
    assert response.status_code == 400


# -- personal data -----------------------------------------------------------------------------


def test_no_personal_data_in_any_answer(client, key, official, photo):
    code = new_request(
        client,
        key,
        address_string="ซอยสุขาภิบาล 5",
        **{"attribute[contact_consent]": "true"},
        **PERSONAL,
    )
    report = Report.objects.get(code=code)
    assert report.contact_email == PERSONAL["email"]
    services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    answers = [
        post(
            client,
            api_key=key,
            service_code=code_of("ถนน"),
            description="ถนนพัง",
            **{"attribute[contact_consent]": "true"},
            **POINT,
            **PERSONAL,
        ),
    ]
    for fmt in ("json", "xml"):
        for path in (
            f"requests.{fmt}",
            f"requests.{fmt}?service_request_id={code}",
            f"requests/{code}.{fmt}",
            f"tokens/{code}.{fmt}",
            f"servicerequestupdates.{fmt}",
        ):
            answers.append(client.get(BASE + path))
    for response in answers:
        assert response.status_code in (200, 201)
        text = response.content.decode()
        assert code in text or "service_request_id" in text or "<service_request" in text
        for value in PERSONAL_VALUES:
            assert value not in text, (response.request["PATH_INFO"], value)


def test_every_status_is_open_or_closed():
    for status in Status:
        expected = "open" if status in OPEN else "closed"
        assert status in OPEN | CLOSED
        assert open_or_closed(status) == expected


@pytest.mark.parametrize("status", list(Status))
def test_a_report_is_listed_as_open_or_closed_as_its_status_says(client, status):
    """Every status, not only the common ones: a client asking for open (or closed) requests
    gets exactly the reports Ruam counts as open (or closed), each saying so itself."""
    report = submit()
    Report.objects.filter(pk=report.pk).update(status=status)
    assert (status in OPEN) != (status in CLOSED), f"{status} must be open or closed, not both"
    expected = "open" if status in OPEN else "closed"

    def listed(**params) -> dict[str, str]:
        response = client.get(f"{BASE}requests.json", params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"]: r["status"] for r in response.json()}

    assert (report.code in listed(status="open")) == (status in OPEN)
    assert (report.code in listed(status="closed")) == (status in CLOSED)
    assert listed() == {report.code: expected}
    assert listed(status="open,closed") == {report.code: expected}
    (item,) = client.get(f"{BASE}requests/{report.code}.json").json()
    assert item["status"] == expected
    root = xml(client.get(f"{BASE}requests.xml", {"status": expected}))
    assert [r.findtext("status") for r in root.findall("request")] == [expected]


def test_listing_costs_the_same_queries_for_one_or_many(client, official, photo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BASE + path).status_code == 200
        return len(captured)

    first = submit()
    services.change_status(first, actor=official, to=Status.FINISHED, photos=[photo])
    one = (queries("requests.json"), queries("servicerequestupdates.json"))
    for _ in range(4):
        report = submit(description="ถนนเป็นหลุม", categories=["ถนน"])
        services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    assert (queries("requests.json"), queries("servicerequestupdates.json")) == one


@pytest.mark.parametrize("given", [["ถนน", "ต้นไม้"], ["ต้นไม้", "ถนน"]])
def test_a_report_with_several_categories_shows_the_one_it_was_routed_by(client, given):
    report = submit(categories=given)
    (item,) = client.get(f"{BASE}requests/{report.code}.json").json()
    assert item["service_name"] == given[0] and item["service_code"] == code_of(given[0])
    # Filtering by service_code matches any of its categories.
    found = client.get(f"{BASE}requests.json", {"service_code": code_of(given[1])}).json()
    assert [r["service_request_id"] for r in found] == [report.code]


# -- arguments no client should send, and what they are answered ---------------------------------

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
NOT_SERVICE_CODES = ["³", "²³", "٣", "𝟑", "99999999999999999999", "9223372036854775808", "-1"]


def one_error(response, status: int, field: str) -> str:
    """The spec's error answer with one problem about ``field``, in English then Thai."""
    assert response.status_code == status, response.content.decode()
    (error,) = response.json()
    assert error["code"] == status
    assert error["description"].startswith(f"{field}: " if field else ""), error
    english, thai_part = error["description"].split(" / ", 1)
    assert not thai(english) and thai(thai_part)
    return error["description"]


@pytest.mark.parametrize("given", NOT_SERVICE_CODES)
def test_a_service_code_that_is_no_id_is_404_for_a_service(client, given):
    one_error(client.get(f"{BASE}services/{given}.json"), 404, "service_code")


def test_a_service_code_in_thai_digits_is_read(client):
    code = code_of("แสงสว่าง")
    response = client.get(f"{BASE}services/{code.translate(THAI_DIGITS)}.json")
    assert response.status_code == 200
    assert response.json()["service_code"] == code


@pytest.mark.parametrize("given", NOT_SERVICE_CODES)
def test_a_service_code_that_is_no_id_matches_no_request(client, given):
    submit()
    response = client.get(f"{BASE}requests.json", {"service_code": given})
    assert response.status_code == 200 and response.json() == []
    both = client.get(f"{BASE}requests.json", {"service_code": f"{given},{code_of('แสงสว่าง')}"})
    assert len(both.json()) == 1


def test_requests_filter_by_a_service_code_in_thai_digits(client):
    light = submit()
    given = code_of("แสงสว่าง").translate(THAI_DIGITS)
    found = client.get(f"{BASE}requests.json", {"service_code": given}).json()
    assert [r["service_request_id"] for r in found] == [light.code]


@pytest.mark.parametrize("given", NOT_SERVICE_CODES)
def test_a_post_with_a_service_code_that_is_no_id_is_400_and_stores_nothing(client, key, given):
    response = post(client, api_key=key, service_code=given, description="ถนนพัง", **POINT)
    one_error(response, 400, "service_code")
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0


def test_a_post_with_a_service_code_in_thai_digits_is_routed_by_it(client, key):
    code = new_request(client, key, service_code=code_of("แสงสว่าง").translate(THAI_DIGITS))
    (shown,) = client.get(f"{BASE}requests/{code}.json").json()
    assert shown["service_code"] == code_of("แสงสว่าง")


@pytest.mark.parametrize("resource", ["requests", "servicerequestupdates"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"start_date": "0001-01-01T00:00:00Z"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"end_date": "9999-12-31T23:59:59-23:59"}, "end_date"),
        ({"start_date": "0001-01-01T00:00:00+23:59"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00+23:59"}, "start_date"),  # no time zone is so far
        ({"end_date": "2026-01-01T00:00:00-18:00"}, "end_date"),
        ({"start_date": "1899-12-31T23:59:59+07:00"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": "9999-12-31"}, "end_date"),
    ],
)
def test_dates_out_of_range_are_400_in_both_languages(client, resource, fmt, params, field):
    response = client.get(f"{BASE}{resource}.{fmt}", params)
    assert response.status_code == 400, response.content.decode()
    if fmt == "json":
        description = one_error(response, 400, field)
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "400"
        description = root.findtext("error/description")
        assert description.startswith(f"{field}: ")
    assert ("1900" in description and "2999" in description) or "14:00" in description


def test_dates_at_the_edges_of_the_range_are_answered(client):
    for resource, params in (
        ("servicerequestupdates", {"start_date": "1900-01-01T00:00:00-12:00"}),
        ("servicerequestupdates", {"end_date": "2999-12-31T23:59:59+14:00"}),
        ("requests", {"start_date": "2999-12-31"}),
        ("requests", {"end_date": "1900-01-01"}),
    ):
        response = client.get(f"{BASE}{resource}.json", params)
        assert response.status_code == 200, (resource, params, response.content)


def raw_post(client, body: bytes, content_type="application/x-www-form-urlencoded"):
    return client.post(f"{BASE}requests.json", body, content_type=content_type)


def fields(key, **extra) -> dict:
    return {"api_key": key, "service_code": code_of("ถนน"), **POINT, **extra}


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (b"description=%FF%FE%E0%B8", "description"),  # percent-encoded bytes, not UTF-8
        (b"description=%E0%B8%96%E0%B8", "description"),  # Thai cut inside a character
        ("description=ถนนพัง".encode("tis-620"), "description"),  # raw TIS-620
        (b"descr%FFiption=x&description=%E0%B8%96%E0%B8%99%E0%B8%99", "descr\ufffdiption"),
    ],
)
def test_a_form_that_is_not_utf8_is_400_and_stores_nothing(client, key, bad, field):
    body = urlencode(fields(key)).encode() + b"&" + bad
    description = one_error(raw_post(client, body), 400, field)
    assert "UTF-8" in description
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0


def test_a_multipart_form_that_is_not_utf8_is_400_and_stores_nothing(client, key):
    boundary = "ruam-boundary"
    parts = [(name, value.encode()) for name, value in fields(key).items()]
    parts.append(("description", b"\xe0\xb8\x96\xe0\xb8\x99\xff\xfe"))
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = raw_post(client, body, f"multipart/form-data; boundary={boundary}")
    assert "UTF-8" in one_error(response, 400, "description")
    assert Report.objects.count() == 0


def test_a_form_in_another_charset_is_400_in_the_spec_format(client, key):
    body = urlencode(fields(key, description="ถนนพังเป็นหลุมลึก"), encoding="tis-620").encode()
    response = raw_post(client, body, "application/x-www-form-urlencoded; charset=tis-620")
    assert "UTF-8" in one_error(response, 400, "")
    assert Report.objects.count() == 0


@pytest.mark.parametrize("field", ["description", "address_string", "first_name", "service_code"])
def test_a_null_character_is_400_and_stores_nothing(client, key, field):
    values = fields(key, description="ถนนพัง", email="a@example.com")
    values["attribute[contact_consent]"] = "true"
    values[field] = values.get(field, "") + "\x00x"
    response = post(client, **values)
    one_error(response, 400, field)
    assert Report.objects.count() == 0


def test_a_form_over_the_size_limit_is_413_in_the_spec_format(client, key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, **fields(key, description="ก" * 4000))
    assert "9.77 KB" in one_error(response, 413, "")
    assert Report.objects.count() == 0


def test_five_photos_of_the_largest_size_are_taken_as_multipart_media(client, key, photo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ruam.reports.photos import MAX_BYTES

    largest = photo + b"\0" * (MAX_BYTES - len(photo))  # as large as the photo checks take
    media = [SimpleUploadedFile(f"p{i}.jpg", largest, "image/jpeg") for i in range(5)]
    response = client.post(
        f"{BASE}requests.json", {**fields(key, description="ถนนเป็นหลุมลึก"), "media": media}
    )
    assert response.status_code == 201, response.content.decode()
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert report.photos.count() == 5
