"""The whole journey in a real browser: a resident reports from a phone (pin, photo, a refused
first try that keeps the photo), an official acts at a desktop, the resident reopens from the
private link, the official fixes it again, the resident confirms. Every page is checked
(tests/e2e/helpers.py: the policy, axe, nothing wider than the screen)."""

import re

import pytest

from ruam.bodies.models import Role
from ruam.bodies.services import appoint
from ruam.reports.models import Report
from ruam.reports.statuses import Status

from ..conftest import jpeg
from .helpers import check, header_fits, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pin_the_middle(page):
    page.wait_for_selector("#pick-map.leaflet-container")
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # (Playwright's wait_for_function evaluates strings, which the policy forbids.)
    page.wait_for_selector("#pick-map[data-pinned='1']")
    page.wait_for_selector("#place-found")


def test_report_fix_reopen_confirm(
    phone_page, browser, live_server, reference, tmp_path, django_user_model
):
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(jpeg(1200, 900))
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg(800, 600, color=(40, 160, 60)))

    # -- the resident, on a phone ---------------------------------------------------------
    resident = watch(phone_page)
    resident.goto(f"{live_server.url}/reports/new/")
    header_fits(resident)
    pin_the_middle(resident)
    assert "เขต" in resident.locator("#place-found").inner_text()
    resident.get_by_label("ถนน", exact=True).check()
    resident.set_input_files("[name=photos]", str(photo))
    resident.fill("[name=contact_email]", "resident@example.com")
    resident.check("[name=consent]")
    check(resident, "01-report-form-phone")
    # Sent without a description: refused, said at the top, the photo and category kept.
    resident.click("#send")
    resident.wait_for_selector("#error-summary")
    # Focused by the page's script once it has run (it may run after the summary is drawn).
    resident.wait_for_function("document.activeElement.id === 'error-summary'", timeout=5000)
    assert resident.locator(".held-photos").is_visible()
    assert resident.get_by_label("ถนน", exact=True).is_checked()
    check(resident, "02-report-refused-phone")
    resident.fill("[name=description]", "ถนนเป็นหลุมใหญ่ รถจักรยานยนต์ล้มบ่อย")
    resident.click("#send")
    resident.wait_for_selector("#tracking-code")
    code = resident.locator("#tracking-code").inner_text().replace("-", "")
    report = Report.objects.get(code=code)
    assert report.photos.count() == 1
    assert report.responsible.division_type.code == "works"
    check(resident, "03-report-sent-phone")
    private_link = resident.locator("#private-link").inner_text()

    # -- the official, at a desktop: signing in lands in the inbox --------------------------
    official = django_user_model.objects.create_user("works-officer", password="pw-12345!x")
    appoint(
        person=official, body=report.responsible, role=Role.OFFICIAL, start=report.created.date()
    )
    desk = watch(
        browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900}).new_page()
    )
    desk.set_default_timeout(30_000)
    desk.goto(f"{live_server.url}/accounts/login/")
    desk.fill("[name=username]", "works-officer")
    desk.fill("[name=password]", "pw-12345!x")
    desk.click("button[type=submit].primary")
    desk.wait_for_selector("table.inbox")
    assert desk.url.endswith("/inbox/")
    check(desk, "04-inbox-desktop")
    desk.click(f"a:has-text('{report.display_code}')")
    desk.wait_for_selector("#map.leaflet-container")
    desk.select_option("[name=to]", "in_progress")
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector(".status-work")
    # Finishing without an after-photo is refused, in Thai only.
    desk.select_option("[name=to]", "finished")
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector("text=ภาพหลังแก้ไข")
    assert "after-photo" not in desk.content()
    desk.select_option("[name=to]", "finished")
    desk.set_input_files("form.staff-action [name=photos]", str(after))
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector(".status-done")
    check(desk, "05-report-staff-desktop")

    # -- the resident reopens from the private link: not fixed ------------------------------
    resident.goto(private_link)
    decide = resident.locator("section.decide")
    assert decide.locator("img").count() == 1  # the after-photo, before the decision
    check(resident, "06-is-it-fixed-phone")
    reopen = decide.locator("form.choice").nth(1)
    reopen.locator("[name=reason]").fill("หลุมยังอยู่ที่เดิม")
    reopen.get_by_role("button", name=re.compile("เปิดเรื่องใหม่")).click()
    resident.wait_for_selector(".status-new")
    assert "key=" in resident.url  # still the private link
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.reopen_count == 1

    # -- back with the division: fixed again, and confirmed ---------------------------------
    desk.goto(f"{live_server.url}/inbox/?view=new")
    desk.click(f"a:has-text('{report.display_code}')")
    desk.select_option("[name=to]", "finished")
    desk.set_input_files("form.staff-action [name=photos]", str(after))
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector(".status-done")
    resident.goto(private_link)
    resident.get_by_role("button", name="ใช่ แก้ไขแล้ว").click()
    resident.wait_for_selector(".status-done")
    assert resident.locator("#decide-title").count() == 0  # the question is gone
    check(resident, "07-confirmed-phone")
    report.refresh_from_db()
    assert report.status == Status.CONFIRMED
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["created", "status", "status", "reopened", "status", "confirmed"]
    assert all(url.startswith(live_server.url) for url in resident.visited + desk.visited)
    desk.context.close()
