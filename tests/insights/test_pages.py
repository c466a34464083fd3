"""The public figures: a district's page, the list behind each figure, the group comparison
and the city's, as a visitor reads them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ruam.geo.models import District
from ruam.reports.models import Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_district_page_shows_its_figures_and_links_to_the_lists(client, make_report, fix):
    fix(make_report(), after=dt.timedelta(days=2))
    make_report(text="ทางเท้าชำรุด", category="ทางเท้า")
    response = client.get("/districts/1046/")
    assert response.status_code == 200
    page = text(response)
    assert "2 เรื่องที่ได้รับ" in page or "2 reports received" in page
    html = response.content.decode()
    assert 'href="/districts/1046/reports/?period=fy&amp;status=open"' in html
    listed = client.get("/districts/1046/reports/?period=fy&status=open")
    assert listed.status_code == 200
    assert "ทางเท้าชำรุด" in listed.content.decode()
    assert "ไฟถนนดับ" not in listed.content.decode()  # the fixed one is not open


def test_the_period_switch(client, make_report):
    old = make_report(text="ขยะล้นถัง", category="ความสะอาด")
    Report.objects.filter(pk=old.pk).update(created=old.created - dt.timedelta(days=60))
    make_report()
    from ruam.insights import cube

    cube.rebuild()
    recent = text(client.get("/districts/1046/?period=30d"))
    everything = text(client.get("/districts/1046/?period=all"))
    assert re.search(r"\b1 (เรื่องที่ได้รับ|reports received)", recent)
    assert re.search(r"\b2 (เรื่องที่ได้รับ|reports received)", everything)


def test_the_eastern_group_compares_its_nine_districts_with_the_city_median(client, make_report):
    make_report()
    response = client.get("/groups/4/?period=all&sort=received&dir=desc")
    assert response.status_code == 200
    html = response.content.decode()
    table = html[
        html.index('<table class="compare">') : html.index(
            "</table>", html.index('<table class="compare">')
        )
    ]
    eastern = District.objects.filter(group_id="4")
    assert eastern.count() == 9
    for district in eastern:
        assert district.name_th in table or district.name_en in table
    assert "ค่ากลางทั้งกรุงเทพฯ" in table or "City median" in table
    rows = re.findall(r'<tr><th scope="row"><a href="/districts/(\d{4})/', table)
    assert rows[0] == "1046"  # sorted by reports received, most first
    printed = client.get("/groups/4/print/?period=all")
    assert printed.status_code == 200 and "data-print" in printed.content.decode()


def test_the_city_compares_fifty_districts_and_six_groups(client):
    response = client.get("/figures/")
    html = response.content.decode()
    assert len(set(re.findall(r'href="/districts/(\d{4})/\?period', html))) == 50
    assert len(set(re.findall(r'href="/groups/(\d)/"', html))) == 6


@pytest.mark.parametrize(
    "url",
    [
        "/districts/1046/figures/?format=pdf",
        "/districts/1046/reports/?category=%C2%B3",
        "/districts/1046/reports/?status=lost",
        "/districts/1046/reports/?after=yesterday",
        "/figures/?format=csv&table=nothing",
    ],
)
def test_bad_input_is_a_400_in_both_languages(client, url):
    before = Report.objects.count()
    response = client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search("[\u0e00-\u0e7f]", body) and re.search("[A-Za-z]{4}", body)
    assert Report.objects.count() == before


def test_the_list_goes_on_by_position(client, make_report):
    for i in range(53):
        make_report(text=f"ไฟดับต้นที่ {i}")
    first = client.get("/districts/1046/reports/")
    html = first.content.decode()
    assert html.count('class="code"') == 50
    after = re.search(r"after=([^\"&]+)", html).group(1)
    second = client.get(f"/districts/1046/reports/?after={after}")
    assert second.content.decode().count('class="code"') == 3
    assert "ไฟดับต้นที่ 0" in second.content.decode()


def test_reports_behind_a_category_count_by_their_first_category(client, make_report):
    from ruam.framework.models import Category

    make_report(text="น้ำท่วมขัง", category="น้ำท่วม")
    lights = Category.objects.get(name_th="แสงสว่าง")
    make_report()
    page = client.get(f"/districts/1046/reports/?period=all&category={lights.pk}").content.decode()
    assert "ไฟถนนดับ" in page and "น้ำท่วมขัง" not in page
    assert Report.objects.filter(status=Status.WAITING).count() == 2
