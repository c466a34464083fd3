"""More journeys in a real browser, at phone (390×844) and desktop (1366×900) sizes, each page
checked as tests/e2e/helpers.py says (the policy, axe, nothing wider than the screen)."""

from __future__ import annotations

import datetime as dt

import pytest

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.insights import cube
from ruam.reports import services
from ruam.reports.models import Channel, Report

from .helpers import check, header_fits, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def some_reports(n: int = 8) -> list[Report]:
    texts = [("ไฟถนนดับ มืดมาก", "แสงสว่าง"), ("น้ำท่วมขังหน้าตลาด", "น้ำท่วม"), ("ทางเท้าชำรุด", "ทางเท้า")]
    made = []
    for i in range(n):
        text, category = texts[i % 3]
        made.append(
            services.submit_report(
                description=f"{text} จุดที่ {i + 1} ใกล้ตลาดนัดและโรงเรียนวัดบางชัน",
                channel=Channel.WEB,
                lat=13.8596 + i / 2000,
                lon=100.7046,
                categories=[category],
            ).report
        )
    return made


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("[name=username]", username)
    page.fill("[name=password]", "pw-12345!x")
    page.click("button[type=submit].primary")


def test_the_official_works_the_inbox_on_a_phone(
    phone_page, live_server, reference, django_user_model
):
    made = some_reports()
    official = django_user_model.objects.create_user("works-phone", password="pw-12345!x")
    appoint(
        person=official,
        body=Body.objects.get(code="division-1046-works"),
        role=Role.OFFICIAL,
        start=dt.date(2024, 1, 1),
    )
    page = watch(phone_page)
    sign_in(page, live_server.url, "works-phone")
    page.wait_for_selector("table.inbox")
    assert page.url.endswith("/inbox/")
    header_fits(page)  # the inbox link is in sight, not clipped
    check(page, "20-inbox-phone")
    page.select_option("#f-status", "waiting")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("table.inbox")
    check(page)
    mine = [r for r in made if r.responsible and r.responsible.code == "division-1046-works"]
    page.click(f"a:has-text('{mine[0].display_code}')")
    page.wait_for_selector("#map.leaflet-container")  # the staff page has its map
    check(page, "21-staff-report-phone")
    page.select_option("[name=to]", "in_progress")
    page.click("form.staff-action button[type=submit]")
    page.wait_for_selector(".status-work")
    check(page)


def test_a_visitor_browses_the_figures_on_a_desktop(page, live_server, reference):
    some_reports()
    cube.rebuild()
    page = watch(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    check(page, "30-home-desktop")
    page.get_by_role("link", name="คลองสามวา").first.click()
    page.wait_for_selector("#figures")
    page.wait_for_selector("#map[data-ready='1']")
    check(page, "31-district-desktop")
    page.goto(f"{live_server.url}/districts/1046/figures/")
    check(page)
    page.goto(f"{live_server.url}/groups/4/")
    page.wait_for_selector("#compare-map")
    check(page, "32-group-desktop")
    page.goto(f"{live_server.url}/figures/")
    check(page)
    page.goto(f"{live_server.url}/districts/1046/issues/")
    check(page)
    page.goto(f"{live_server.url}/search/?q=ท่วม")
    page.wait_for_selector("mark")
    check(page, "33-search-desktop")


def test_a_visitor_browses_the_figures_on_a_phone(phone_page, live_server, reference):
    some_reports()
    cube.rebuild()
    page = watch(phone_page)
    for path, shot in [
        ("/", "40-home-phone"),
        ("/districts/1046/", "41-district-phone"),
        ("/districts/1046/figures/", None),
        ("/groups/4/", None),
        ("/figures/", None),
        ("/programmes/", None),
        ("/districts/", None),
        ("/open-data/", None),
        ("/privacy/", None),
    ]:
        page.goto(f"{live_server.url}{path}")
        header_fits(page)
        check(page, shot)


def test_a_resident_in_english(phone_page, live_server, reference):
    report = some_reports(1)[0]
    page = watch(phone_page)
    page.goto(f"{live_server.url}/districts/1046/")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang='en']")
    assert page.locator("h1").inner_text() == "Khlong Sam Wa District"
    check(page)
    page.goto(f"{live_server.url}/reports/new/")
    page.fill("[name=description]", "Street light out for a week")
    page.click("#send")
    page.wait_for_selector("#error-summary")
    summary = page.locator("#error-summary").inner_text()
    assert "Please pin the place" in summary or "place" in summary
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in summary)  # no Thai in English errors
    check(page, "50-report-refused-english-phone")
    page.goto(f"{live_server.url}/reports/{report.code}/")
    assert "Khlong Sam Wa" in page.inner_text("main")
    # The report's point among the แขวง outlines, named in English (no tiles needed).
    label = page.locator("#map.labels-subdistrict .subdistrict-label >> visible=true").first
    label.wait_for()
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in label.inner_text())
    check(page, "51-report-page-english-phone")


def test_the_report_form_with_the_keyboard_alone(page, live_server, reference):
    page = watch(page)
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map.leaflet-container")

    def tab_to(selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    tab_to("#map-district")
    page.keyboard.press("ArrowDown")  # the first district in the list
    page.keyboard.press("Enter")
    tab_to("#pick-map")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    tab_to("#pin-centre")
    page.keyboard.press("Enter")
    page.wait_for_selector("#place-found")
    tab_to("[name=description]")
    page.keyboard.type("ทางเท้าแตก เดินลำบาก")
    tab_to("[name=categories]")
    page.keyboard.press("Space")
    tab_to("#send")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tracking-code")
    report = Report.objects.get()
    assert report.description == "ทางเท้าแตก เดินลำบาก" and report.categories.count() == 1
    check(page)


def test_the_map_without_tiles_names_the_places(phone_page, live_server, reference):
    page = watch(phone_page)
    page.goto(f"{live_server.url}/reports/new/")
    page.wait_for_selector("#pick-map[data-boundaries='1']")
    assert page.locator(".leaflet-tile").count() == 0  # no tile server in tests
    page.select_option("#map-district", "1046")
    page.wait_for_selector("#pick-map.labels-district")
    label = page.locator(".leaflet-tooltip.district-label", has_text="คลองสามวา")
    assert label.is_visible()
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#place-found")
    assert "คลองสามวา" in page.inner_text("#place-found")
    # Zoomed in, the แขวง outlines and their names appear.
    for _ in range(3):
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    page.wait_for_selector(".leaflet-tooltip.subdistrict-label >> visible=true")
    check(page, "60-map-without-tiles-phone")


def test_every_journey_page_at_phone_desktop_and_200_percent_zoom(
    browser, live_server, reference, settings
):
    """The pages the journeys above visit, at a phone's size, a desktop's and a desktop zoomed
    to 200 % (WCAG 1.4.4), public and signed in."""
    from django.utils import timezone

    from ruam.issues import services as issues
    from ruam.meetings import services as meetings

    settings.RUAM_MAP_TILE_URL = ""
    made = some_reports(8)
    cube.rebuild()
    chair = Body.objects.get(code="committee-1046")
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.create_user("chair-sizes", password="pw-12345!x")
    appoint(person=person, body=chair, role=Role.CHAIR, start=dt.date(2024, 1, 1))
    appoint(
        person=person,
        body=Body.objects.get(code="division-1046-works"),
        role=Role.OFFICIAL,
        start=dt.date(2024, 1, 1),
    )
    issue = issues.create_issue(
        actor=person,
        district_code="1046",
        title="ไฟถนนดับซ้ำซาก",
        description="หลายจุด",
        kind="problem",
        reports=made[:3],
    )
    meeting = meetings.schedule_meeting(
        actor=person, body=chair, starts_at=timezone.now(), place="ห้องประชุมเขต"
    )
    meetings.invite_members(meeting, actor=person)
    meetings.add_item(meeting, actor=person, section=4, issue=issue)
    public = [
        "/",
        "/reports/new/",
        f"/reports/{made[0].code}/",
        "/reports/track/",
        "/districts/1046/",
        "/districts/1046/figures/",
        "/groups/4/",
        "/figures/",
        "/search/?q=ท่วม",
        f"/issues/{issue.pk}/",
        f"/meetings/{meeting.pk}/",
        "/accounts/login/",
    ]
    signed_in = [
        "/inbox/",
        f"/inbox/{made[0].code}/",
        "/districts/1046/hotspots/",
        f"/districts/1046/issues/new/?from=hotspot&reports={made[0].code},{made[3].code}",
        f"/issues/{issue.pk}/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/minutes/",
    ]
    for size, viewport, mobile, scale in [
        ("phone", {"width": 390, "height": 844}, True, 1),
        ("desktop", {"width": 1366, "height": 900}, False, 1),
        # A 1280 × 800 desktop zoomed to 200 %: half the CSS pixels at twice the density.
        ("zoom-200", {"width": 640, "height": 400}, False, 2),
    ]:
        context = browser.new_context(
            locale="th-TH", viewport=viewport, is_mobile=mobile, device_scale_factor=scale
        )
        page = watch(context.new_page())
        page.set_default_timeout(30_000)
        for path in public:
            page.goto(f"{live_server.url}{path}")
            header_fits(page)  # nothing of the header lost at 200 %
            check(page)  # nor wider than the window: nothing cut off at the side
        sign_in(page, live_server.url, "chair-sizes")
        page.wait_for_selector("table.inbox")
        for path in signed_in:
            page.goto(f"{live_server.url}{path}")
            check(page, f"70-{size}-{path.strip('/').split('/')[0]}" if path == "/inbox/" else None)
        context.close()
