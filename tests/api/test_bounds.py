"""Every value a client can put in a query is answered or refused with a 422 naming it, in Thai
and English: never a 500 from a number or a date the database cannot take."""

import pytest

from ruam.api import api

from .answers import refused_field

pytestmark = pytest.mark.django_db

# Every list with paging; the test below keeps this in step with the routers.
LISTS = {
    "/api/v1/reports": {},
    "/api/v1/issues": {},
    "/api/v1/meetings": {},
    "/api/v1/actions": {},
    "/api/v1/search": {"q": "ถนน"},
    "/api/v1/programmes": {},
}
BEYOND_64_BITS = str(2**63)


def test_every_paged_list_is_checked_here():
    paths = api.get_openapi_schema()["paths"]
    paged = {
        path
        for path, operations in paths.items()
        if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    }
    assert paged == set(LISTS)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("offset", BEYOND_64_BITS),
        ("offset", str(2**63 - 1)),
        ("offset", "99999999999999999999"),
        ("offset", "-1"),
        ("limit", BEYOND_64_BITS),
        ("limit", "0"),
        ("limit", "-9223372036854775809"),
    ],
)
def test_paging_out_of_range_is_422_naming_the_field(client, url, name, value):
    response = client.get(url, {**LISTS[url], name: value})
    refused_field(response, name)


@pytest.mark.parametrize("url", ["/api/v1/reports", "/api/v1/issues", "/api/v1/meetings"])
def test_the_deepest_page_allowed_is_answered(client, url):
    from ruam.core.api_schemas import MAX_OFFSET

    response = client.get(url, {"offset": MAX_OFFSET, "limit": 500})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "0001-01-01"}, "since"),
        ({"since": "0001-01-01T00:00:00Z"}, "since"),
        ({"since": "0001-01-01T00:00:00+07:00"}, "since"),
        ({"until": "9999-12-31"}, "until"),
        ({"until": "9999-12-31T23:59:59-23:00"}, "until"),
        ({"since": "1899-12-31T23:59:59+07:00"}, "since"),
        ({"since": "2026-01-01T00:00:00+23:59"}, "since"),  # no time zone is that far east
        ({"until": "2026-01-01T00:00:00-18:00"}, "until"),
        ({"since": "2026-01-02", "until": "2026-01-01"}, "until"),
        ({"since": "2026-01-01T12:00:00+07:00", "until": "2026-01-01T04:59:59Z"}, "until"),
    ],
)
def test_dates_out_of_range_or_out_of_order_are_422(client, query, field):
    error = refused_field(client.get("/api/v1/reports", query), field)
    assert error["type"] in {"date_out_of_range", "utc_offset_range", "date_order"}


def test_dates_within_range_are_answered(client):
    for query in (
        {"since": "1900-01-01", "until": "2999-12-31T23:59:59"},
        {"since": "2026-01-01T00:00:00+14:00", "until": "2026-01-01T00:00:00-12:00"},
        {"since": "2026-01-01", "until": "2026-01-01"},
    ):
        assert client.get("/api/v1/reports", query).status_code == 200, query


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/reports?district=%00", "district"),
        ("/api/v1/reports?subdistrict=10%0046", "subdistrict"),
        ("/api/v1/reports?category=%00", "category"),
        ("/api/v1/issues?district=%00", "district"),
        ("/api/v1/meetings?district=%00", "district"),
        ("/api/v1/actions?district=%00", "district"),
        ("/api/v1/search?q=%E0%B8%96%00&district=1046", "q"),
        ("/api/v1/search?q=ถนน&district=%00", "district"),
        ("/api/v1/districts?group_code=%00", "group_code"),
        ("/api/v1/districts/10%0046", "code"),
        ("/api/v1/districts/%00/boundary", "code"),
    ],
)
def test_a_null_character_is_422_not_a_database_error(client, url, field):
    # PostgreSQL text cannot hold NUL: the query would fail rather than find nothing.
    error = refused_field(client.get(url), field)
    assert error["type"] == "null_character"


def test_a_key_longer_than_any_is_422(client):
    refused_field(client.get("/api/v1/reports", {"district": "1" * 101}), "district")
