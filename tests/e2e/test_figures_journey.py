"""A visitor goes from the city page to a district's figures and downloads them as XLSX; a
committee member reads the dashboard's charts on a phone."""

import io

import pytest
from openpyxl import load_workbook

from ruam.insights import cube
from ruam.reports import services
from ruam.reports.models import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reports():
    for i, (text, category) in enumerate(
        [("ไฟถนนดับ มืดมาก", "แสงสว่าง"), ("น้ำท่วมขังหน้าตลาด", "น้ำท่วม"), ("ทางเท้าชำรุด", "ทางเท้า")]
    ):
        services.submit_report(
            description=text,
            channel=Channel.WEB,
            lat=13.8596 + i / 1000,
            lon=100.7046,
            categories=[category],
        )
    cube.rebuild()


def test_from_the_city_page_to_a_districts_figures_and_an_xlsx(page, live_server, reference):
    reports()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="คลองสามวา").first.click()
    page.wait_for_selector("#figures")
    figures = page.locator("#figures")
    assert "ผลการทำงานของเขต" in figures.inner_text()
    assert "3" in figures.locator(".figures-stats li").first.inner_text()
    page.get_by_role("link", name="ตัวเลขทั้งหมดและดาวน์โหลด").click()
    page.wait_for_url("**/districts/1046/figures/**")
    with page.expect_download() as download:
        page.get_by_role("link", name="ดาวน์โหลด XLSX").click()
    path = download.value.path()
    book = load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(book["figures"].iter_rows(values_only=True))
    assert rows[3][2] == "เรื่องที่ได้รับ" and rows[5][2] == 3
    page.screenshot(path="var/screenshots/district-figures.png", full_page=True)


def test_the_dashboard_draws_its_charts_on_a_phone(
    phone_page, live_server, reference, seat, client
):
    from django.conf import settings

    reports()
    person = seat("committee-1046", "member")
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    phone_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    phone_page.goto(f"{live_server.url}/dashboards/")
    phone_page.wait_for_selector(".chart[data-rows='categories'][data-ready='1'] svg")
    phone_page.wait_for_selector("#hex-map[data-ready='1'] path.leaflet-interactive")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing wider than the phone
    # The CSP blocks the style attribute Chartist also writes on its SVG: the width and height
    # attributes size it all the same, and the bars are drawn inside their chart.
    sizes = phone_page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart[data-ready="1"] svg')).map(svg => {
             const box = svg.getBoundingClientRect();
             const holder = svg.parentElement.getBoundingClientRect();
             const marks = svg.querySelectorAll('.ct-bar, .ct-line, .ct-point, .ct-slice-pie')
               .length;
             return [box.width, box.height, holder.width, marks]; })"""
    )
    assert sizes, "no chart drawn"
    for chart_width, chart_height, holder_width, marks in sizes:
        assert abs(chart_width - holder_width) <= 1 and chart_height > 100, sizes
        assert marks > 0, sizes
    phone_page.screenshot(path="var/screenshots/dashboard-phone.png", full_page=True)
