"""The whole loop of the seed: hotspot → issue → agenda → meeting with attendance → resolution →
action assigned to ฝ่ายโยธา → progress → done → issue verified, the residents told."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from ruam.bodies.models import Body, Role
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.issues import services as issues
from ruam.issues.statuses import IssueStatus
from ruam.meetings import services as meetings
from ruam.meetings.models import Action, Attendance, Meeting, Section
from ruam.reports import services as reports
from ruam.reports.hotspots import district_hotspots
from ruam.reports.models import Channel, Report

pytestmark = pytest.mark.django_db
HERE = (13.8596, 100.7046)


@pytest.fixture
def people(seat):
    return {
        "chair": seat("committee-1046", Role.CHAIR),
        "secretary": seat("committee-1046", Role.SECRETARY),
        "member": seat("committee-1046", Role.MEMBER),
        "member2": seat("committee-1046", Role.MEMBER),
        "works": seat("division-1046-works", Role.HEAD),
    }


def flood_reports(n=6):
    return [
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด ครั้งที่ {i}",
            channel=Channel.WEB,
            lat=HERE[0] + i * 0.0001,
            lon=HERE[1],
            categories=["น้ำท่วม"],
            contact_email=f"resident{i}@example.com",
            consent=True,
        ).report
        for i in range(n)
    ]


def test_the_whole_loop(people, django_capture_on_commit_callbacks):
    chair, secretary, works = people["chair"], people["secretary"], people["works"]
    made = flood_reports()
    [hotspot] = district_hotspots("1046")
    linked = list(Report.objects.filter(pk__in=hotspot.report_ids))
    issue = issues.create_issue(
        actor=people["member"],
        district_code="1046",
        title="น้ำท่วมซ้ำซากซอยวัด",
        description=hotspot.explain("th"),
        kind="problem",
        reports=linked,
        source="hotspot",
    )
    assert issue.reports.count() == len(made)

    when = timezone.now() + dt.timedelta(days=7)
    meeting = meetings.schedule_meeting(
        actor=secretary, body=issue.body, starts_at=when, place="ห้องประชุมสำนักงานเขตคลองสามวา"
    )
    assert meeting.number == 1 and "ครั้งที่ 1/" in meeting.title
    assert meetings.invite_members(meeting, actor=secretary) == 5
    item = meetings.add_item(meeting, actor=secretary, section=Section.FOR_DECISION, issue=issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ON_AGENDA

    entries = [
        {"person": p, "name": str(p), "role": r, "status": s, "is_member": True}
        for p, r, s in [
            (chair, "ประธาน", "present"),
            (secretary, "เลขานุการ", "present"),
            (people["member"], "คณะขับเคลื่อน", "present"),
            (people["member2"], "คณะขับเคลื่อน", "leave"),
        ]
    ] + [{"name": str(works), "role": "หัวหน้าฝ่ายโยธา", "status": "present", "is_member": False}]
    assert meetings.record_attendance(meeting, actor=secretary, entries=entries) == (3, 4)
    meetings.record_minutes(item, actor=secretary, minutes="ฝ่ายโยธาชี้แจงว่าท่อระบายน้ำอุดตันทั้งสาย")
    with django_capture_on_commit_callbacks(execute=True):
        meetings.resolve(
            item,
            actor=secretary,
            text="มอบฝ่ายโยธาลอกท่อระบายน้ำซอยวัดให้แล้วเสร็จภายใน 30 วัน",
            actions=[
                {
                    "title": "ลอกท่อระบายน้ำซอยวัดทั้งสาย",
                    "due": timezone.localdate() + dt.timedelta(days=30),
                    "owner": Body.objects.get(code="division-1046-works"),
                }
            ],
        )
    with freeze_time(when + dt.timedelta(hours=3)):  # recorded as held once it took place
        meetings.hold(meeting, actor=secretary)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS
    assert mail.outbox  # the residents were told it was resolved

    action = Action.objects.get()
    assert action.owner.division_type.name_th == "ฝ่ายโยธา"
    with pytest.raises(NotAllowed):
        meetings.update_action(action, actor=people["member"], progress=50)
    meetings.update_action(action, actor=works, progress=50, note="ลอกแล้วครึ่งสาย")
    issue.refresh_from_db()
    assert 0 < issue.progress < 100
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.update_action(action, actor=works, progress=100, note="ลอกเสร็จทั้งสาย")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DONE
    notified = {address for m in mail.outbox for address in m.to}
    assert {f"resident{i}@example.com" for i in range(len(made))} <= notified
    with django_capture_on_commit_callbacks(execute=True):
        issues.change_status(issue, actor=chair, to=IssueStatus.VERIFIED, note="ลงพื้นที่ตรวจแล้ว")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.VERIFIED
    kinds = list(issue.events.values_list("kind", flat=True))
    for kind in ["created", "report", "status", "discussed", "resolution", "action", "progress"]:
        assert kind in kinds


def test_quorum_is_half_of_the_members(people):
    meeting = meetings.schedule_meeting(
        actor=people["secretary"],
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now(),
        place="ห้องประชุม",
    )
    entries = [
        {"name": f"m{i}", "status": "present" if i == 0 else "absent", "is_member": True}
        for i in range(3)
    ]
    meetings.record_attendance(meeting, actor=people["secretary"], entries=entries)
    with pytest.raises(InvalidInput):
        meetings.hold(meeting, actor=people["secretary"])
    Attendance.objects.filter(meeting=meeting, name="m1").update(status="present")
    meetings.hold(meeting, actor=people["secretary"])
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_only_officers_manage_meetings(people, seat):
    body = Body.objects.get(code="committee-1046")
    for outsider in [people["member"], people["works"], seat("committee-1001", Role.CHAIR)]:
        with pytest.raises(NotAllowed):
            meetings.schedule_meeting(
                actor=outsider, body=body, starts_at=timezone.now(), place="x"
            )


def test_the_next_meeting_approves_the_previous_minutes(people):
    body = Body.objects.get(code="committee-1046")
    first = meetings.schedule_meeting(
        actor=people["chair"],
        body=body,
        starts_at=timezone.now() - dt.timedelta(days=30),
        place="ห้อง 1",
    )
    second = meetings.schedule_meeting(
        actor=people["chair"], body=body, starts_at=timezone.now(), place="ห้อง 1"
    )
    assert second.previous == first and second.number == 2
    assert second.items.get(section=Section.PREVIOUS_MINUTES).title.startswith(
        "รับรองรายงานการประชุม ครั้งที่ 1/"
    )
    meetings.record_attendance(
        second,
        actor=people["chair"],
        entries=[{"name": "a", "status": "present", "is_member": True}],
    )
    meetings.record_minutes(
        second.items.get(section=Section.PREVIOUS_MINUTES),
        actor=people["chair"],
        minutes="ที่ประชุมรับรองรายงานการประชุม",
    )
    meetings.hold(second, actor=people["chair"])
    first.refresh_from_db()
    assert first.minutes_approved is not None


def test_overdue_actions_are_told_to_owner_chair_and_secretary(people):
    from ruam.meetings.tasks import notify_overdue_actions

    for key in ("works", "chair", "secretary"):
        people[key].email = f"{key}@example.com"
        people[key].save()
    issue = issues.create_issue(
        actor=people["member"],
        district_code="1046",
        title="ไฟดับ",
        description="ไฟดับทั้งซอย",
        kind="problem",
    )
    meeting = meetings.schedule_meeting(
        actor=people["secretary"], body=issue.body, starts_at=timezone.now(), place="ห้อง"
    )
    item = meetings.add_item(meeting, actor=people["secretary"], section=4, issue=issue)
    meetings.resolve(
        item,
        actor=people["secretary"],
        text="มอบฝ่ายโยธา",
        actions=[
            {
                "title": "ซ่อมไฟ",
                "owner": Body.objects.get(code="division-1046-works"),
                "due": timezone.localdate() - dt.timedelta(days=3),
            }
        ],
    )
    mail.outbox.clear()
    assert notify_overdue_actions.call() == 3
    assert {m.to[0] for m in mail.outbox} == {
        "works@example.com",
        "chair@example.com",
        "secretary@example.com",
    }
    assert notify_overdue_actions.call() == 0
