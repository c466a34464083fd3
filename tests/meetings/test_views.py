"""A secretary prepares and records a meeting through the pages; officials report progress."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.issues.models import Issue
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
    when = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT09:30")
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
    client.post(f"/meetings/{meeting.pk}/hold/", {"confirm": "1"})
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


def issue_in_1046(actor, title: str) -> Issue:
    from ruam.issues import services as issues

    return issues.create_issue(
        actor=actor, district_code="1046", title=title, description=title, kind="problem"
    )


def test_committee_api(client, seat):
    member = seat("committee-1046", Role.SECRETARY)
    issue = issue_in_1046(member, "ทางเท้าชำรุด")
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


def working_group(code="wg-1046-roads"):
    return Body.objects.create(
        code=code,
        kind=Body.Kind.WORKING_GROUP,
        name_th="คณะทำงานฯ ด้านถนนและทางเท้า",
        name_en="Working group: roads and pavements",
        parent=Body.objects.get(code="committee-1046"),
        district_id="1046",
    )


def test_a_working_group_schedules_and_lists_its_meetings(client, seat, make_user):
    group = working_group()
    lead = seat(group.code, Role.CHAIR)
    secretary = seat("committee-1046", Role.SECRETARY)  # an officer of the committee above
    url = f"/bodies/{group.code}/meetings/"
    page = client.get(url).content.decode()  # public, like a committee's list
    assert "คณะทำงานฯ ด้านถนนและทางเท้า" in page and "/meetings/new/" not in page
    assert f'href="{url}"' in client.get("/districts/1046/committee/").content.decode()

    client.force_login(make_user())  # not an officer: refused, nothing written
    when = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT13:30")
    assert client.get(f"{url}new/").status_code == 403
    assert client.post(f"{url}new/", {"starts_at": when, "place": "ห้อง 2"}).status_code == 403
    client.force_login(secretary)
    missing_place = client.post(f"{url}new/", {"starts_at": when, "place": " "})
    assert missing_place.status_code == 422 and not Meeting.objects.exists()
    response = client.post(f"{url}new/", {"starts_at": when, "place": "ห้องประชุมเขต ชั้น 2"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.body == group and meeting.number == 1
    assert meeting.invitations.filter(person=lead).exists()

    client.force_login(lead)  # the group's own chair manages it too
    listing = client.get(url).content.decode()
    assert meeting.title in listing and f"{url}new/" in listing
    assert f'href="{url}"' in client.get(meeting.get_absolute_url()).content.decode()


def test_a_group_committee_meets_about_the_issues_escalated_to_it(client, seat):
    from ruam.issues import services as issues

    committee = Body.objects.get(kind=Body.Kind.GROUP_MEETING, group__districts__code="1046")
    secretary = seat(committee.code, Role.SECRETARY)
    district_secretary = seat("committee-1046", Role.SECRETARY)
    issue = issue_in_1046(district_secretary, "คลองระบายน้ำตื้นเขินข้ามเขต")
    issues.change_status(issue, actor=district_secretary, to="escalated", note="คร่อมสองเขต")
    assert Issue.objects.get(pk=issue.pk).escalated_to == committee
    group_page = client.get(f"/groups/{committee.group_id}/").content.decode()
    assert f"/bodies/{committee.code}/meetings/" in group_page

    client.force_login(secretary)
    new_page = client.get(f"/bodies/{committee.code}/meetings/new/").content.decode()
    assert "เชิญสมาชิกของคณะขับเคลื่อน" in new_page  # its members, no district office
    when = (timezone.localtime() + dt.timedelta(days=10)).strftime("%Y-%m-%dT10:00")
    new_url = f"/bodies/{committee.code}/meetings/new/"
    client.post(new_url, {"starts_at": when, "place": "ศาลาว่าการ"})
    meeting = Meeting.objects.get(body=committee)
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert f'<option value="{issue.pk}">คลองระบายน้ำตื้นเขินข้ามเขต</option>' in detail
    client.post(f"/meetings/{meeting.pk}/items/", {"section": "4", "issue": issue.pk})
    assert meeting.items.get().issue == issue
    detail = client.get(meeting.get_absolute_url()).content.decode()  # now with its record form
    office = Body.objects.get(code="office-1046")
    assert f'<option value="{office.pk}">{office.name_th}</option>' in detail
    other_group_office = Body.objects.exclude(district__group_id=committee.group_id).filter(
        kind=Body.Kind.DISTRICT_OFFICE
    )[0]
    assert f'<option value="{other_group_office.pk}">' not in detail


def test_meeting_pages_of_other_bodies(client):
    assert client.get("/bodies/office-1046/meetings/").status_code == 404
    assert client.get("/bodies/dept-drainage/meetings/").status_code == 404
    assert client.get("/bodies/no-such-body/meetings/").status_code == 404
    response = client.get("/bodies/committee-1046/meetings/")
    assert response.status_code == 302 and response["Location"] == "/districts/1046/meetings/"


def test_a_working_groups_page_in_english(client, seat):
    group = working_group()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/bodies/{group.code}/meetings/").content.decode()
    assert "Working group: roads and pavements" in page and "Part of" in page
