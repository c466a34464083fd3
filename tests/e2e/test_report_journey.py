"""The whole journey in a real browser: a resident reports from a phone, an official acts at a
desktop, the resident reopens, the official fixes it again, the resident confirms."""

import re

import pytest

from ruam.bodies.models import Role
from ruam.bodies.services import appoint
from ruam.reports.models import Report
from ruam.reports.statuses import Status

from ..conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_fix_reopen_confirm(
    phone_page, browser, live_server, reference, tmp_path, django_user_model
):
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(jpeg(1200, 900))
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg(800, 600, color=(40, 160, 60)))

    # -- the resident, on a phone ---------------------------------------------------------
    resident = phone_page
    resident.goto(f"{live_server.url}/reports/new/")
    resident.wait_for_selector("#pick-map.leaflet-container")
    box = resident.locator("#pick-map").bounding_box()
    resident.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    resident.wait_for_function("document.querySelector('[name=lat]').value !== ''")
    resident.fill("[name=description]", "ถนนเป็นหลุมใหญ่ รถจักรยานยนต์ล้มบ่อย")
    resident.get_by_label("ถนน", exact=True).check()
    resident.set_input_files("[name=photos]", str(photo))
    resident.fill("[name=contact_email]", "resident@example.com")
    resident.check("[name=consent]")
    resident.screenshot(path="var/screenshots/report-form-phone.png", full_page=True)
    resident.click("#send")
    resident.wait_for_selector("#tracking-code")
    code = resident.locator("#tracking-code").inner_text().replace("-", "")
    report = Report.objects.get(code=code)
    assert report.photos.count() == 1
    assert report.responsible.division_type.code == "works"
    resident.screenshot(path="var/screenshots/report-sent-phone.png", full_page=True)

    # -- the official, at a desktop ---------------------------------------------------------
    official = django_user_model.objects.create_user("works-officer", password="pw-12345!x")
    appoint(
        person=official, body=report.responsible, role=Role.OFFICIAL, start=report.created.date()
    )
    desk = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900}).new_page()
    desk.goto(f"{live_server.url}/accounts/login/?next=/inbox/")
    desk.fill("[name=username]", "works-officer")
    desk.fill("[name=password]", "pw-12345!x")
    desk.click("button[type=submit].primary")
    desk.wait_for_selector("table.inbox")
    desk.click(f"a:has-text('{report.display_code}')")
    desk.select_option("[name=to]", "in_progress")
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector(".status-work")
    # Finishing without an after-photo is refused with a message in Thai and English.
    desk.select_option("[name=to]", "finished")
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector("text=after-photo")
    desk.select_option("[name=to]", "finished")
    desk.set_input_files("form.staff-action [name=photos]", str(after))
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector(".status-done")
    desk.screenshot(path="var/screenshots/report-staff-desktop.png", full_page=True)

    # -- the resident reopens: not fixed ----------------------------------------------------
    resident.goto(f"{live_server.url}/reports/{code}/")
    resident.fill("[name=reason]", "หลุมยังอยู่ที่เดิม")
    resident.get_by_role("button", name=re.compile("เปิดเรื่องใหม่")).click()
    resident.wait_for_selector(".status-new")
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.reopen_count == 1

    # -- back with the division: fixed again, and confirmed ---------------------------------
    desk.goto(f"{live_server.url}/inbox/?view=new")
    desk.click(f"a:has-text('{report.display_code}')")
    desk.select_option("[name=to]", "finished")
    desk.set_input_files("form.staff-action [name=photos]", str(after))
    desk.click("form.staff-action button[type=submit]")
    desk.wait_for_selector(".status-done")
    resident.goto(f"{live_server.url}/reports/{code}/")
    resident.get_by_role("button", name="ใช่ แก้ไขแล้ว").click()
    resident.wait_for_selector(".status-done")
    report.refresh_from_db()
    assert report.status == Status.CONFIRMED
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["created", "status", "status", "reopened", "status", "confirmed"]
    desk.context.close()
