"""A walk-in at the district office counter, in a real browser: the official reads the consent
notice, records the report with the resident's phone number, and prints the slip."""

import datetime as dt

import pytest

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.reports.assisted import CONSENT_VERSION
from ruam.reports.models import Channel, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_records_a_walk_in_and_prints_the_slip(
    page, live_server, reference, django_user_model
):
    official = django_user_model.objects.create_user("counter-1046", password="pw-12345!x")
    appoint(
        person=official,
        body=Body.objects.get(code="office-1046"),
        role=Role.OFFICIAL,
        start=dt.date(2024, 1, 1),
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/inbox/")
    page.fill("[name=username]", "counter-1046")
    page.fill("[name=password]", "pw-12345!x")
    page.click("button[type=submit].primary")
    page.wait_for_selector("table.inbox")
    page.click("a[href='/inbox/enter/']")
    page.wait_for_selector("#consent-notice")
    page.wait_for_selector("#pick-map.leaflet-container")

    page.select_option("[name=district]", "1046")
    page.fill("[name=address]", "หน้าตลาดนัดคลองสามวา ซอย 5")
    page.fill("[name=description]", "ท่อระบายน้ำอุดตัน น้ำเอ่อขึ้นถนนทุกครั้งที่ฝนตก")
    page.fill("[name=contact_name]", "ป้าสมใจ")
    page.fill("[name=contact_phone]", "0891234567")
    # Forgetting the resident's consent keeps what was typed and says why.
    page.click("#send")
    page.wait_for_selector(".field.has-error")
    assert page.input_value("[name=contact_phone]") == "0891234567"
    assert Report.objects.count() == 0
    page.check("[name=consent]")
    page.screenshot(path="var/screenshots/assisted-entry-desktop.png", full_page=True)
    page.click("#send")

    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().replace("-", "")
    report = Report.objects.get(code=code)
    assert report.channel == Channel.ASSISTED and report.district_id == "1046"
    assert report.consent_taken_by == official and report.consent_version == CONSENT_VERSION
    assert report.contact_phone == "0891234567"
    assert "?key=" in page.locator("#private-link").inner_text()
    assert report.display_code in page.input_value("#sms")
    page.emulate_media(media="print")
    assert page.locator("#sms").is_hidden()  # the slip prints alone
    page.screenshot(path="var/screenshots/assisted-slip-print.png", full_page=True)
