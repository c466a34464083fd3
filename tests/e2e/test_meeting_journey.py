"""A committee secretary prepares the agenda from the suggestions and records the meeting, in a
real browser at a desktop viewport."""

import datetime as dt

import pytest

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.meetings.models import Action, Meeting
from ruam.reports import services as reports
from ruam.reports.models import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_prepares_and_records_a_meeting(page, live_server, reference, django_user_model):
    secretary = django_user_model.objects.create_user("secretary-1046", password="pw-12345!x")
    appoint(
        person=secretary,
        body=Body.objects.get(code="committee-1046"),
        role=Role.SECRETARY,
        start=dt.date(2024, 1, 1),
    )
    for i in range(6):
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด ครั้งที่ {i}",
            channel=Channel.WEB,
            lat=13.8596 + i * 0.0001,
            lon=100.7046,
            categories=["น้ำท่วม"],
        )

    page.goto(f"{live_server.url}/accounts/login/?next=/districts/1046/meetings/new/")
    page.fill("[name=username]", "secretary-1046")
    page.fill("[name=password]", "pw-12345!x")
    page.click("button[type=submit].primary")
    page.fill("[name=starts_at]", "2026-12-01T09:30")
    page.fill("[name=place]", "ห้องประชุมสำนักงานเขตคลองสามวา")
    page.click("button[type=submit].primary")
    page.wait_for_selector("h1:has-text('ครั้งที่ 1/')")

    # One click puts the suggested hotspot on the agenda (as a new committee issue).
    page.locator(".suggestions li").first.locator("button").click()
    page.wait_for_selector(".agenda-item")
    assert "น้ำท่วม" in page.locator(".agenda-item").first.inner_text()

    # Attendance: everyone invited is present; a guest from the drainage department.
    page.fill("[name=guests]", "ผู้แทนสำนักการระบายน้ำ")
    page.click("form.attendance button[type=submit]")
    page.wait_for_selector("text=บันทึกการเข้าประชุมแล้ว")

    # Minutes and a resolution that assigns ฝ่ายโยธา.
    page.locator(".agenda-item summary").first.click()
    form = page.locator("form.record-item").first
    form.locator("[name=minutes]").fill("ฝ่ายโยธาชี้แจงว่าท่อระบายน้ำอุดตัน")
    form.locator("[name=resolution]").fill("มอบฝ่ายโยธาลอกท่อระบายน้ำซอยวัด")
    form.locator("[name=action_title]").fill("ลอกท่อระบายน้ำซอยวัด")
    form.locator("[name=action_owner]").select_option(label="ฝ่ายโยธา")
    form.locator("[name=action_due]").fill("2026-12-31")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=มอบฝ่ายโยธาลอกท่อระบายน้ำซอยวัด")
    page.click("text=ปิดบันทึกการประชุม")
    page.wait_for_selector("text=บันทึกการประชุมแล้ว")
    page.screenshot(path="var/screenshots/meeting-recorded.png", full_page=True)

    meeting = Meeting.objects.get()
    assert meeting.status == "held"
    action = Action.objects.get()
    assert action.owner.division_type.code == "works" and action.issue.status == "in_progress"
