"""The staff dashboard: its scope follows the person's seats, its filters narrow every table,
each chart has its table, and every table exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from ruam.bodies.models import Role
from ruam.framework.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, seat):
    person = seat("committee-1046", Role.MEMBER)
    client.force_login(person)
    return person


def test_a_member_sees_the_district_with_charts_and_tables(client, member, make_report):
    make_report()
    make_report(text="น้ำท่วมขัง", category="น้ำท่วม")
    response = client.get("/dashboards/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-data"' in html and 'data-rows="categories"' in html
    assert "vendor/chartist/index.css" in html and 'id="hex-map"' in html
    assert response.context["choice"].scope.district_id == "1046"
    assert response.context["figures"].received == 2
    assert html.count("<details>") >= 8  # a table for every chart and for the map


def test_filters_narrow_the_figures(client, member, make_report):
    make_report()
    make_report(text="น้ำท่วมขัง", category="น้ำท่วม")
    flood = Category.objects.get(name_th="น้ำท่วม")
    response = client.get(f"/dashboards/?district=1046&category={flood.pk}&period=30d")
    assert response.context["figures"].received == 1
    hexes = response.context["hexes"]["features"]
    assert sum(f["properties"]["n"] for f in hexes) == 1
    assert client.get("/dashboards/?district=1046&channel=import").context["figures"].received == 0


def test_a_member_may_not_see_another_district_or_the_city(client, member):
    assert client.get("/dashboards/?district=1001").status_code == 403
    assert client.get("/dashboards/?district=").status_code == 403
    assert client.get("/dashboards/?group=4").status_code == 403


def test_city_staff_see_the_city(client, seat, make_report):
    client.force_login(seat("city", Role.OFFICIAL))
    make_report()
    response = client.get("/dashboards/")
    assert response.status_code == 200 and response.context["f"].districts is None
    assert client.get("/dashboards/?group=4").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "period=ever",
        "category=abc",
        "area=99999",
        "status=lost",
        "channel=fax",
        "subdistrict=100101",
        "district=9999",
    ],
)
def test_bad_filters_are_a_400_in_the_visitors_language(client, member, query):
    def thai(text):
        return any("\u0e00" <= ch <= "\u0e7f" for ch in text)

    response = client.get(f"/dashboards/?district=1046&{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="th">' in body and thai(body)
    english = client.get(f"/dashboards/?district=1046&{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    body = english.content.decode()
    assert '<html lang="en">' in body and not thai(body) and "<p>" in body


def test_every_table_exports(client, member, make_report):
    make_report()
    book = load_workbook(io.BytesIO(client.get("/dashboards/?district=1046&format=xlsx").content))
    assert {
        "over_time",
        "status",
        "categories",
        "time_to_fix",
        "backlog",
        "channels",
        "issues",
        "committees",
        "hotspots",
    } <= set(book.sheetnames)
    status = list(book["status"].iter_rows(values_only=True))
    assert status[3] == ("สถานะ", "เรื่องแจ้ง") and status[5] == ("รอรับเรื่อง", 1)
    over_time = list(book["over_time"].iter_rows(values_only=True))
    assert hasattr(over_time[5][0], "year")  # a date cell
    csv = client.get("/dashboards/?district=1046&format=csv&table=categories").content.decode()
    assert csv.startswith("\ufeff") and "แสงสว่าง" in csv
