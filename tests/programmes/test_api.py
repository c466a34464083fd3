"""The programmes API: lists in the usual shape, a programme's districts, figures from staff,
the plan tree; every status it answers is in the OpenAPI document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ruam.accounts.services import create_api_key
from ruam.bodies.models import Body, Role
from ruam.programmes.models import Measurement

pytestmark = pytest.mark.django_db
YESTERDAY = (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def test_the_list_and_one_programme(client):
    data = client.get("/api/v1/programmes?limit=500").json()
    assert set(data) == {"items", "count"} and data["count"] == len(data["items"]) >= 24
    trees = next(p for p in data["items"] if p["code"] == "million_trees")
    assert trees["target"] == 1_000_000 and trees["achieved"] == 1_002_937
    assert trees["progress"] == 1.0 and trees["unit"] == "ต้น" and trees["area"] == 2
    east = client.get("/api/v1/programmes/million_trees_east").json()
    figures = {d["district_code"]: d for d in east["districts"]}
    assert figures["1046"]["target"] == 300_000 and not figures["1046"]["target_is_placeholder"]
    assert all(0 <= (d["progress"] or 0) <= 1 for d in east["districts"])
    one_district = client.get("/api/v1/programmes?district=1046&area=2").json()
    assert all(p["area"] == 2 for p in one_district["items"])
    assert client.get("/api/v1/programmes/nope").status_code == 404
    assert client.get("/api/v1/programmes?limit=501").status_code == 422
    assert client.get("/api/v1/programmes?area=7").json()["errors"][0]["field"] == "area"


def test_staff_send_figures_with_a_key_for_their_district(client):
    _, key = create_api_key(name="app-1046", body=Body.objects.get(code="office-1046"))
    _, other = create_api_key(name="app-1001", body=Body.objects.get(code="office-1001"))
    url = "/api/v1/programmes/flood_risk_points/measurements"
    body = {"district_code": "1046", "date": YESTERDAY, "value": 2, "unit": "จุด"}
    made = client.post(url, body, content_type="application/json", HTTP_X_API_KEY=key)
    assert made.status_code == 201, made.content
    assert made.json()["district_code"] == "1046" and made.json()["status"] == "recorded"
    assert Measurement.objects.get(pk=made.json()["id"]).body.code == "office-1046"
    refused = client.post(url, body, content_type="application/json", HTTP_X_API_KEY=other)
    assert refused.status_code == 403 and refused.json()["message_en"]
    wrong_unit = client.post(
        url, body | {"unit": "km"}, content_type="application/json", HTTP_X_API_KEY=key
    )
    assert wrong_unit.status_code == 422
    assert wrong_unit.json()["errors"][0]["field"] == "unit"
    outside = client.post(
        "/api/v1/programmes/million_trees_fy2567/measurements",
        body | {"unit": None},
        content_type="application/json",
        HTTP_X_API_KEY=key,
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "date"
    negative = client.post(
        url, body | {"value": -1}, content_type="application/json", HTTP_X_API_KEY=key
    )
    assert negative.status_code == 422 and negative.json()["errors"][0]["message_th"]
    anonymous = client.post(url, body, content_type="application/json")
    assert anonymous.status_code == 401
    assert Measurement.objects.filter(district_id="1046", origin="api").count() == 1


def test_a_session_of_the_districts_staff(client, seat):
    client.force_login(seat("division-1046-works", Role.OFFICIAL))
    response = client.post(
        "/api/v1/programmes/flood_risk_points/measurements",
        {"district_code": "1046", "date": YESTERDAY, "value": 1},
        content_type="application/json",
    )
    # A signed-in page's POST needs its CSRF token; the test client does not check it.
    assert response.status_code == 201


def test_the_plan_tree_rolls_up_to_the_nine_dimensions(client):
    data = client.get("/api/v1/plan").json()
    assert data["count"] == 9 and [n["code"] for n in data["items"]][:2] == ["D1", "D2"]
    travel = data["items"][0]
    assert [c["code"] for c in travel["children"]] == ["I01", "I02", "I03", "I04"]
    assert 0 < travel["progress"] < 1
    children = [c["progress"] for c in travel["children"] if c["progress"] is not None]
    assert travel["progress"] == pytest.approx(sum(children) / len(children))


def test_every_status_is_declared(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    post = paths["/api/v1/programmes/{code}/measurements"]["post"]["responses"]
    assert set(post) == {"201", "400", "401", "403", "404", "413", "422", "429"}
    assert set(paths["/api/v1/programmes/{code}"]["get"]["responses"]) == {"200", "404", "422"}
