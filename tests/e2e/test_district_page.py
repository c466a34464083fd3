"""A person opens a district page in a real browser: Thai renders, the map draws the boundary."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_page_renders_thai_and_draws_the_map(page, live_server, reference):
    page.goto(f"{live_server.url}/districts/1046/")
    heading = page.locator("h1")
    assert heading.inner_text() == "เขตคลองสามวา"
    # The Thai web font served by Ruam itself was loaded and used.
    page.wait_for_function("document.fonts.check('16px Sarabun', 'คลองสามวา')")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Sarabun" in family
    # Leaflet drew the district's boundary as an SVG path.
    page.wait_for_selector("#map[data-ready='1'] path.leaflet-interactive")
    box = page.locator("#map path.leaflet-interactive").first.bounding_box()
    assert box["width"] > 50 and box["height"] > 50
    page.screenshot(path="var/screenshots/district-1046.png", full_page=False)


def test_switching_to_english_in_the_browser(page, live_server, reference):
    page.goto(f"{live_server.url}/districts/1001/")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang='en']")
    assert page.locator("h1").inner_text() == "Phra Nakhon District"
