"""Every change to a meeting and to an action is on its timeline, written with the change:
scheduled, agenda, attendance (earlier lists kept), minutes (every version kept), resolutions,
held, the previous minutes approved; an action assigned and each progress report. A refused
change writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from ruam.bodies.models import Body, Role
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.issues import services as issues
from ruam.meetings import services as meetings
from ruam.meetings.models import ActionEvent, Attendance, Meeting, MeetingEvent, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(seat):
    return seat("committee-1046", Role.SECRETARY)


@pytest.fixture
def meeting(secretary):
    return meetings.schedule_meeting(
        actor=secretary,
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now(),
        place="ห้องประชุมเขต",
    )


def kinds(meeting) -> list[str]:
    return list(meeting.events.order_by("pk").values_list("kind", flat=True))


def entries(*statuses: str) -> list[dict]:
    return [
        {"name": f"กรรมการ {i}", "status": s, "is_member": True} for i, s in enumerate(statuses)
    ]


def test_scheduling_and_the_agenda_are_on_the_timeline(meeting, secretary):
    item = meetings.add_item(meeting, actor=secretary, section=Section.CHAIR, title="แจ้งเพื่อทราบ")
    assert kinds(meeting) == ["scheduled", "item"]
    added = meeting.events.get(kind=MeetingEvent.Kind.ITEM_ADDED)
    assert added.item == item and added.actor == secretary


def test_attendance_recorded_again_keeps_the_earlier_list(meeting, secretary):
    meetings.record_attendance(meeting, actor=secretary, entries=entries("present", "present"))
    first = set(meeting.attendance.values_list("pk", flat=True))
    present, total = meetings.record_attendance(
        meeting, actor=secretary, entries=entries("present", "absent", "leave")
    )
    assert (present, total) == (1, 3)
    # The list in force is the last one; the first is still there, marked replaced.
    assert meeting.attendance.count() == 3
    assert (
        set(
            Attendance.objects.filter(meeting=meeting, replaced__isnull=False).values_list(
                "pk", flat=True
            )
        )
        == first
    )
    assert kinds(meeting).count("attendance") == 2
    last = meeting.events.filter(kind=MeetingEvent.Kind.ATTENDANCE).last()
    assert "1/3" in last.note


def test_every_version_of_the_minutes_is_kept(meeting, secretary):
    item = meetings.add_item(meeting, actor=secretary, section=Section.OTHER, title="เรื่องอื่น")
    meetings.record_minutes(item, actor=secretary, minutes="ร่างแรก")
    meetings.record_minutes(item, actor=secretary, minutes="ร่างแรก")  # unchanged: no version
    meetings.record_minutes(item, actor=secretary, minutes="ฉบับแก้ไข")
    item.refresh_from_db()
    assert item.minutes == "ฉบับแก้ไข"
    versions = item.events.filter(kind=MeetingEvent.Kind.MINUTES).order_by("pk")
    assert [v.note for v in versions] == ["ร่างแรก", "ฉบับแก้ไข"]
    assert all(v.actor == secretary for v in versions)


def test_holding_is_a_move_on_the_timeline_and_approves_the_previous_minutes(meeting, secretary):
    meetings.record_attendance(meeting, actor=secretary, entries=entries("present"))
    meetings.hold(meeting, actor=secretary)
    nxt = meetings.schedule_meeting(
        actor=secretary,
        body=meeting.body,
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="ห้องประชุมเขต",
    )
    meetings.record_attendance(nxt, actor=secretary, entries=entries("present"))
    meetings.record_minutes(nxt.items.get(), actor=secretary, minutes="รับรองรายงานการประชุม")
    with freeze_time(nxt.starts_at + dt.timedelta(hours=3)):  # held once it took place
        meetings.hold(nxt, actor=secretary)
    held = meeting.events.get(kind=MeetingEvent.Kind.HELD)
    assert (held.from_status, held.to_status) == ("planned", "held")
    assert held.actor_body == meeting.body
    meeting.refresh_from_db()
    assert meeting.minutes_approved is not None
    assert meeting.events.filter(kind=MeetingEvent.Kind.APPROVED).count() == 1
    # Held once: holding again is not a move the table allows, and writes nothing.
    with pytest.raises(InvalidInput):
        meetings.hold(meeting, actor=secretary)
    assert meeting.events.filter(kind=MeetingEvent.Kind.HELD).count() == 1


def test_a_refused_change_writes_no_event(meeting, seat):
    outsider = seat("committee-1001", Role.CHAIR)
    before = kinds(meeting)
    with pytest.raises(NotAllowed):
        meetings.record_attendance(meeting, actor=outsider, entries=entries("present"))
    with pytest.raises(NotAllowed):
        meetings.add_item(meeting, actor=outsider, section=Section.OTHER, title="x")
    assert kinds(meeting) == before and not Attendance.objects.filter(meeting=meeting).exists()


def test_an_action_is_assigned_and_each_progress_is_a_move(meeting, secretary, seat):
    works = seat("division-1046-works", Role.HEAD)
    issue = issues.create_issue(
        actor=secretary,
        district_code="1046",
        title="ท่ออุดตัน",
        description="ซอยวัด",
        kind="problem",
    )
    item = meetings.add_item(meeting, actor=secretary, section=Section.FOR_DECISION, issue=issue)
    meetings.resolve(
        item,
        actor=secretary,
        text="มอบฝ่ายโยธา",
        actions=[
            {
                "title": "ลอกท่อ",
                "owner": Body.objects.get(code="division-1046-works"),
                "due": timezone.localdate() + dt.timedelta(days=5),
            }
        ],
    )
    action = item.resolutions.get().actions.get()
    meetings.update_action(action, actor=works, progress=40, note="เริ่มแล้ว")
    meetings.update_action(action, actor=works, progress=100, note="เสร็จ")
    events = list(action.events.order_by("pk"))
    assert [e.kind for e in events] == ["assigned", "progress", "progress"]
    assert [(e.from_status, e.to_status, e.progress) for e in events[1:]] == [
        ("open", "in_progress", 40),
        ("in_progress", "done", 100),
    ]
    assert events[0].actor == secretary and events[2].actor == works
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    assert "resolution" in kinds(meeting)


def test_a_cancelled_action_takes_no_more_progress(meeting, secretary, seat):
    works = seat("division-1046-works", Role.HEAD)
    item = meetings.add_item(meeting, actor=secretary, section=Section.OTHER, title="เรื่อง")
    meetings.resolve(
        item,
        actor=secretary,
        text="มติ",
        actions=[
            {
                "title": "งาน",
                "owner": Body.objects.get(code="division-1046-works"),
                "due": timezone.localdate(),
            }
        ],
    )
    action = item.resolutions.get().actions.get()
    type(action).objects.filter(pk=action.pk).update(status="cancelled")
    action.refresh_from_db()
    with pytest.raises(InvalidInput):
        meetings.update_action(action, actor=works, progress=10)
    assert action.events.filter(kind=ActionEvent.Kind.PROGRESS).count() == 0
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_officers_see_the_history_on_the_meeting_page(meeting, secretary, client):
    item = meetings.add_item(meeting, actor=secretary, section=Section.OTHER, title="เรื่องอื่น")
    meetings.record_minutes(item, actor=secretary, minutes="ร่างแรกของบันทึก")
    meetings.record_minutes(item, actor=secretary, minutes="ฉบับแก้ไขของบันทึก")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "ร่างแรกของบันทึก" not in page  # not for the public while a draft
    client.force_login(secretary)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "ร่างแรกของบันทึก" in page and "ฉบับแก้ไขของบันทึก" in page
