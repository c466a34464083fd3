"""A secretary prepares and records a meeting through the pages; officials report progress."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.meetings.models import Action, Meeting
from ruam.reports import services as reports
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


def test_prepare_record_and_follow_up(client, seat, make_user):
    secretary = seat("committee-1046", Role.SECRETARY)
    chair = seat("committee-1046", Role.CHAIR)
    works = seat("division-1046-works", Role.HEAD)
    for i in range(6):
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด {i}",
            channel=Channel.WEB,
            lat=13.8596 + i * 0.0001,
            lon=100.7046,
            categories=["น้ำท่วม"],
        )
    client.force_login(make_user())
    assert client.get("/districts/1046/meetings/new/").status_code == 403
    client.force_login(secretary)
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT09:30")
    response = client.post(
        "/districts/1046/meetings/new/", {"starts_at": when, "place": "ห้องประชุมเขต"}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.invitations.count() == 3
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "น้ำท่วม" in page  # the hotspot is suggested
    suggestion_codes = page.split('name="reports" value="')[1].split('"')[0]
    client.post(
        f"/meetings/{meeting.pk}/items/",
        {
            "section": "4",
            "title": "น้ำท่วมซ้ำซาก",
            "reason": "แจ้งซ้ำ 6 เรื่อง",
            "reports": suggestion_codes,
        },
    )
    item = meeting.items.get()
    assert item.issue is not None and item.issue.reports.count() == 6
    statuses = {f"status-{inv.pk}": "present" for inv in meeting.invitations.all()}
    client.post(f"/meetings/{meeting.pk}/attendance/", {**statuses, "guests": "ผู้แทนสำนักการระบายน้ำ"})
    assert meeting.attendance.count() == 4
    owner = Body.objects.get(code="division-1046-works")
    client.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/",
        {
            "minutes": "ฝ่ายโยธาชี้แจง",
            "resolution": "มอบฝ่ายโยธาลอกท่อ",
            "action_title": "ลอกท่อซอยวัด",
            "action_owner": owner.pk,
            "action_due": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    client.post(f"/meetings/{meeting.pk}/hold/")
    meeting.refresh_from_db()
    assert meeting.status == "held"
    action = Action.objects.get()
    client.force_login(works)
    client.post(f"/actions/{action.pk}/", {"progress": "100", "note": "เสร็จ"})
    action.refresh_from_db()
    assert action.status == "done"
    item.issue.refresh_from_db()
    assert item.issue.status == "done"
    client.force_login(chair)
    html = client.get("/districts/1046/meetings/").content.decode()
    assert "ลอกท่อซอยวัด" in html


def test_committee_api(client, seat):
    from ruam.issues import services as issues

    member = seat("committee-1046", Role.SECRETARY)
    issue = issues.create_issue(
        actor=member,
        district_code="1046",
        title="ทางเท้าชำรุด",
        description="ทางเท้าหน้าตลาด",
        kind="problem",
    )
    from ruam.meetings import services as meetings

    meeting = meetings.schedule_meeting(
        actor=member, body=issue.body, starts_at=timezone.now(), place="ห้องประชุม"
    )
    meetings.add_item(meeting, actor=member, section=4, issue=issue)
    body = client.get("/api/v1/issues", {"district": "1046"}).json()
    assert body["count"] == 1 and body["items"][0]["status"] == "on_agenda"
    meeting_json = client.get("/api/v1/meetings", {"district": "1046"}).json()["items"][0]
    assert meeting_json["agenda"][0]["issue_id"] == issue.pk
    assert client.get("/api/v1/actions").json()["count"] == 0
    assert client.get("/api/v1/issues/999999").status_code == 404


def test_invite_a_department_and_a_guest(client, seat):
    secretary = seat("committee-1046", Role.SECRETARY)
    from ruam.meetings import services as meetings

    meeting = meetings.schedule_meeting(
        actor=secretary,
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now(),
        place="ห้องประชุม",
    )
    client.force_login(secretary)
    drainage = Body.objects.get(code="dept-drainage")
    client.post(f"/meetings/{meeting.pk}/invite/", {"body": drainage.pk, "role": "ผู้แทน"})
    client.post(
        f"/meetings/{meeting.pk}/invite/", {"name": "ประธานชุมชนวัดพระยา", "role": "แขกรับเชิญ"}
    )
    groups = sorted(meeting.invitations.values_list("group", "name"))
    assert groups == [("department", "สำนักการระบายน้ำ"), ("guest", "ประธานชุมชนวัดพระยา")]
