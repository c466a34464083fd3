"""The public places API, as a client sees it."""

import pytest

pytestmark = pytest.mark.django_db


def test_groups_list(client):
    body = client.get("/api/v1/groups").json()
    assert body["count"] == 6 == len(body["items"])
    assert {g["name_th"] for g in body["items"]} >= {"กรุงเทพตะวันออก", "กรุงธนใต้"}
    assert sum(g["district_count"] for g in body["items"]) == 50


def test_districts_list_has_the_documented_fields(client):
    body = client.get("/api/v1/districts").json()
    assert body["count"] == 50
    first = body["items"][0]
    assert set(first) == {"code", "name_th", "name_en", "group_code", "area_km2"}
    assert first["code"] == "1001" and first["name_th"] == "พระนคร"
    assert first["group_code"] == "1"


def test_districts_filter_by_group(client):
    body = client.get("/api/v1/districts", {"group_code": "4"}).json()
    assert body["count"] == 9
    assert {d["group_code"] for d in body["items"]} == {"4"}


def test_district_detail_with_subdistricts_and_communities(client):
    body = client.get("/api/v1/districts/1046").json()
    assert body["name_th"] == "คลองสามวา"
    assert len(body["subdistricts"]) == 5
    assert all(s["code"].startswith("1046") for s in body["subdistricts"])
    assert len(body["communities"]) > 10
    assert "boundary" not in body


def test_unknown_district_is_404_in_both_languages(client):
    response = client.get("/api/v1/districts/9999")
    assert response.status_code == 404
    assert response.json()["message_th"] and response.json()["message_en"] == "Not found."


def test_boundary_is_geojson(client):
    body = client.get("/api/v1/districts/1001/boundary").json()
    assert body["type"] == "Feature"
    assert body["geometry"]["type"] == "Polygon"


def test_locate_inside_bangkok(client):
    response = client.get("/api/v1/locate", {"lat": "13.7553", "lon": "100.4930"})
    assert response.status_code == 200
    body = response.json()
    assert body["district_code"] == "1001"
    assert body["subdistrict_code"] is None or body["subdistrict_code"].startswith("1001")


def test_locate_outside_bangkok_is_a_clear_404(client):
    response = client.get("/api/v1/locate", {"lat": "13.86", "lon": "100.3"})  # Nonthaburi
    assert response.status_code == 404
    body = response.json()
    assert body["message_en"] == "This point is outside Bangkok."
    assert body["message_th"] == "ตำแหน่งนี้อยู่นอกกรุงเทพมหานคร"


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lon": "100.5"},
        {"lat": "13.7"},
        {"lat": "95", "lon": "100.5"},
        {"lat": "13.7", "lon": "1e999"},
    ],
)
def test_locate_malformed_numbers_are_422_with_the_field(client, params):
    response = client.get("/api/v1/locate", params)
    assert response.status_code == 422
    body = response.json()
    assert body["message_en"].startswith("The request is not valid")
    assert body["errors"] and body["errors"][0]["field"] in {"lat", "lon"}


def test_openapi_is_3_1_and_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in [
        "/api/v1/groups",
        "/api/v1/districts",
        "/api/v1/districts/{code}",
        "/api/v1/locate",
    ]:
        assert path in spec["paths"]


def test_docs_are_served_without_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "/static/" in html


def test_thai_is_sent_as_thai(client):
    raw = client.get("/api/v1/districts/1046").content.decode()
    assert "คลองสามวา" in raw
