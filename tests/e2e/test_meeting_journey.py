"""The committee's chair turns a hotspot into an issue and runs a meeting to its minutes, in a
real browser at a desktop viewport; every page checked (tests/e2e/helpers.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.issues.models import Issue
from ruam.meetings.models import Action, Meeting
from ruam.reports import services as reports
from ruam.reports.models import Channel

from .helpers import check, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_turns_a_hotspot_into_an_issue_and_runs_a_meeting(
    page, live_server, reference, django_user_model
):
    chair = django_user_model.objects.create_user("chair-1046", password="pw-12345!x")
    committee = Body.objects.get(code="committee-1046")
    appoint(person=chair, body=committee, role=Role.CHAIR, start=dt.date(2024, 1, 1))
    member = django_user_model.objects.create_user("member-1046", password="pw-12345!x")
    appoint(person=member, body=committee, role=Role.MEMBER, start=dt.date(2024, 1, 1))
    for i in range(6):
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด ครั้งที่ {i}",
            channel=Channel.WEB,
            lat=13.8596 + i * 0.0001,
            lon=100.7046,
            categories=["น้ำท่วม"],
        )
    page = watch(page)
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/accounts/login/?next=/districts/1046/hotspots/")
    page.fill("[name=username]", "chair-1046")
    page.fill("[name=password]", "pw-12345!x")
    page.click("button[type=submit].primary")
    page.wait_for_selector("table.hotspots")
    check(page, "10-hotspots-desktop")

    # The hotspot becomes an issue: the form starts filled in from its reports.
    page.locator("a[href*='from=hotspot']").first.click()
    page.wait_for_selector("[name=title]")
    assert "น้ำท่วม" in page.input_value("[name=title]")
    assert page.input_value("[name=place]") != ""
    check(page, "11-issue-from-hotspot-desktop")
    page.click("button[type=submit].primary")
    page.wait_for_selector("h1:has-text('น้ำท่วม')")
    issue = Issue.objects.get()
    assert issue.reports.count() == 6
    check(page)

    # A meeting that took place an hour ago, recorded now.
    started = timezone.localtime() - dt.timedelta(hours=1)
    page.goto(f"{live_server.url}/districts/1046/meetings/new/")
    page.fill("[name=starts_at]", started.strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=place]", "ห้องประชุมสำนักงานเขตคลองสามวา")
    page.click("button[type=submit].primary")
    page.wait_for_selector("h1:has-text('ครั้งที่ 1/')")
    meeting = Meeting.objects.get()
    page.select_option(".prepare select[name=issue]", str(issue.pk))
    page.locator(".prepare form.filters").first.locator("button[type=submit]").click()
    page.wait_for_selector(".agenda-item")
    assert "น้ำท่วม" in page.locator(".agenda-item").first.inner_text()
    # The same issue again: refused, still one item.
    page.select_option(".prepare select[name=issue]", str(issue.pk))
    page.locator(".prepare form.filters").first.locator("button[type=submit]").click()
    page.wait_for_selector("text=อยู่ในวาระแล้ว")
    assert page.locator(".agenda-item").count() == 1

    # Attendance starts unmarked; everyone is marked, a guest added.
    selects = page.locator("form.attendance select")
    for i in range(selects.count()):
        assert selects.nth(i).input_value() == ""
        selects.nth(i).select_option("present")
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
    due = timezone.localdate() + dt.timedelta(days=30)
    form.locator("[name=action_due]").fill(due.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=มอบฝ่ายโยธาลอกท่อระบายน้ำซอยวัด")
    check(page, "12-meeting-desktop")

    # Closing the record asks twice: the checkbox, then the browser's confirmation.
    questions = []
    page.on("dialog", lambda d: (questions.append(d.message), d.accept()))
    page.check("#hold-confirm")
    page.locator("form.hold button[type=submit]").click()
    page.wait_for_selector("text=บันทึกการประชุมแล้ว")
    assert questions and "ปิดบันทึก" in questions[0]
    meeting.refresh_from_db()
    assert meeting.status == "held"
    action = Action.objects.get()
    assert action.owner.division_type.code == "works" and action.issue.status == "in_progress"

    # The minutes, printable, under the same policy.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/minutes/")
    page.wait_for_selector("main.paper")
    assert "ลอกท่อระบายน้ำซอยวัด" in page.inner_text("main.paper")
    check(page, "13-minutes-page")
