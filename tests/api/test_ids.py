"""Ids as clients type them: ASCII or Thai digits are read, anything else that
``str.isdigit`` takes (superscripts, other scripts) and any id too long for the database is
simply not an id: a clean 404/422, never a 500."""

import pytest

from ruam.accounts.services import create_api_key
from ruam.core.refcache import clear_all
from ruam.framework import lookups
from ruam.framework.models import Category
from ruam.reports.models import Report, ReportEvent

from .answers import refused, refused_field

pytestmark = pytest.mark.django_db

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
NOT_IDS = [
    "³",  # isdigit, but int() refuses it
    "²³",
    "٣",  # Arabic-Indic three: int() reads it, nobody types it for a Bangkok category
    "𝟑",  # mathematical bold three, the same
    "99999999999999999999",  # past 64 bits
    "9223372036854775808",
    "1\x00",
    "-1",
    "",
]


@pytest.fixture
def key():
    return create_api_key(name="ids-app")[1]


def pk_of(name_th: str) -> int:
    return Category.objects.get(name_th=name_th).pk


def test_a_category_id_in_ascii_or_thai_digits_is_read():
    pk = pk_of("แสงสว่าง")
    for given in (str(pk), f" {pk} ", str(pk).translate(THAI_DIGITS), f"00{pk}"):
        assert lookups.category_id(given) == pk, given
        assert lookups.category(given).name_th == "แสงสว่าง", given


@pytest.mark.parametrize("given", NOT_IDS)
def test_anything_else_is_no_category(given):
    assert lookups.category_id(given) is None
    assert lookups.category(given) is None


def test_names_are_still_read_and_retired_categories_are_not():
    assert lookups.category("น้ำท่วม").pk == pk_of("น้ำท่วม")
    assert lookups.category("flooding").pk == pk_of("น้ำท่วม")
    Category.objects.filter(name_th="น้ำท่วม").update(is_active=False)
    clear_all()  # an update() sends no save signal
    assert lookups.category("น้ำท่วม") is None
    assert lookups.category(str(pk_of("น้ำท่วม"))) is None


def post_report(client, key, **changes):
    payload = {"description": "ไฟทางดับทั้งซอย", "lat": 13.8596, "lon": 100.7046, **changes}
    return client.post(
        "/api/v1/reports", payload, content_type="application/json", headers={"X-Api-Key": key}
    )


@pytest.mark.parametrize("given", [g for g in NOT_IDS if g])
def test_a_report_with_such_a_category_is_422_and_nothing_is_written(client, key, given):
    response = post_report(client, key, categories=[given])
    refused_field(response, "payload.categories.0" if "\x00" in given else "categories")
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0


def test_a_report_with_a_category_id_in_thai_digits_is_taken(client, key):
    pk = pk_of("แสงสว่าง")
    response = post_report(client, key, categories=[str(pk).translate(THAI_DIGITS)])
    assert response.status_code == 201, response.content
    assert response.json()["categories"] == ["แสงสว่าง"]


def test_a_report_whose_category_was_retired_is_still_listed(client, key):
    code = post_report(client, key, categories=["แสงสว่าง"]).json()["code"]
    Category.objects.filter(name_th="แสงสว่าง").update(is_active=False)
    clear_all()  # an update() sends no save signal
    response = client.get("/api/v1/reports")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["code"] == code and item["area_number"] is not None


@pytest.mark.parametrize("path", ["/api/v1/issues/{}", "/api/v1/meetings/{}"])
@pytest.mark.parametrize(
    ("given", "status"),
    [
        ("99999999999999999999", 404),
        ("9223372036854775808", 404),
        ("-1", 404),
        ("0", 404),
        ("%C2%B3", 422),  # ³
        ("%E0%B9%93", 422),  # ๓: a path id is a number, written in 0-9
        ("1e3", 422),
    ],
)
def test_path_ids_out_of_range_or_not_numbers_are_404_or_422(client, path, given, status):
    response = client.get(path.format(given))
    body = refused(response, status)
    if status == 422:
        assert body["errors"][0]["field"] == "pk"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/99999999999999999999",
        "/api/v1/reports/%C2%B3/events",
        "/api/v1/districts/99999999999999999999",
        "/api/v1/districts/%E0%B9%91%E0%B9%90%E0%B9%94%E0%B9%96",  # ๑๐๔๖
    ],
)
def test_codes_that_match_nothing_are_404(client, url):
    refused(client.get(url), 404)
