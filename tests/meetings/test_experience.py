"""A secretary cannot lock a meeting's record by mistake, nor put one matter on the agenda twice,
nor overstate the quorum by leaving attendance as it came."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.meetings import services as meetings
from ruam.meetings.models import Meeting
from ruam.reports import services as reports
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(seat):
    return seat("committee-1046", Role.SECRETARY)


def schedule(secretary, *, days: float) -> Meeting:
    meeting = meetings.schedule_meeting(
        actor=secretary,
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now() + dt.timedelta(days=days),
        place="ห้องประชุมเขต",
    )
    meetings.invite_members(meeting, actor=secretary)
    return meeting


def mark_all_present(client, meeting):
    data = {f"status-{inv.pk}": "present" for inv in meeting.invitations.all()}
    client.post(f"/meetings/{meeting.pk}/attendance/", data)


def test_a_future_meeting_cannot_be_closed_as_held(client, secretary):
    meeting = schedule(secretary, days=7)
    client.force_login(secretary)
    mark_all_present(client, meeting)
    response = client.post(f"/meetings/{meeting.pk}/hold/", {"confirm": "1"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert "ยังไม่ถึงเวลาประชุม" in response.content.decode()


def test_closing_the_record_asks_for_confirmation_and_every_item_needs_minutes(client, secretary):
    meeting = schedule(secretary, days=-1)
    item = meetings.add_item(meeting, actor=secretary, section=4, title="ทางเท้าชำรุด")
    client.force_login(secretary)
    mark_all_present(client, meeting)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    hold_form = html[html.index(f'action="/meetings/{meeting.pk}/hold/"') :]
    hold_form = hold_form[: hold_form.index("</form>")]
    assert "data-confirm=" in html[html.rindex("<form", 0, html.index("/hold/")) :][:400]
    assert 'name="confirm"' in hold_form and "required" in hold_form
    # Without the confirmation: nothing changes.
    client.post(f"/meetings/{meeting.pk}/hold/")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    # Confirmed, but an item has no minutes: refused, naming the item.
    response = client.post(f"/meetings/{meeting.pk}/hold/", {"confirm": "1"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert item.number in response.content.decode()
    meetings.record_minutes(item, actor=secretary, minutes="ที่ประชุมรับทราบ")
    client.post(f"/meetings/{meeting.pk}/hold/", {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_a_suggestion_goes_on_the_agenda_once(client, secretary):
    for i in range(6):
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด {i}",
            channel=Channel.WEB,
            lat=13.8596 + i * 0.0001,
            lon=100.7046,
            categories=["น้ำท่วม"],
        )
    meeting = schedule(secretary, days=3)
    client.force_login(secretary)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    codes = html.split('name="reports" value="')[1].split('"')[0]
    title = html.split('name="title" value="')[1].split('"')[0]
    data = {"section": "4", "title": title, "reason": "ซ้ำ", "reports": codes}
    client.post(f"/meetings/{meeting.pk}/items/", data)
    client.post(f"/meetings/{meeting.pk}/items/", data)  # the card again (a second tab, a back)
    assert meeting.items.count() == 1
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    suggestions = html[html.index('class="cards suggestions"') :]
    assert title not in suggestions[: suggestions.index("</ul>")]
    # The same issue from the list below is refused too.
    issue = meeting.items.get().issue
    response = client.post(
        f"/meetings/{meeting.pk}/items/", {"section": "4", "issue": issue.pk}, follow=True
    )
    assert meeting.items.count() == 1
    assert "อยู่ในวาระแล้ว" in response.content.decode()


def test_attendance_starts_unmarked_and_must_be_complete(client, secretary, seat):
    seat("committee-1046", Role.MEMBER)
    meeting = schedule(secretary, days=-1)
    assert meeting.invitations.count() >= 2
    client.force_login(secretary)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    first = meeting.invitations.first()
    select = html[html.index(f'name="status-{first.pk}"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected' in select
    assert 'value="present" selected' not in select
    # Marking only one person is refused: nobody's attendance is guessed.
    client.post(f"/meetings/{meeting.pk}/attendance/", {f"status-{first.pk}": "present"})
    assert meeting.attendance.count() == 0
    mark_all_present(client, meeting)
    assert meeting.attendance.count() == meeting.invitations.count()


def test_generated_titles_read_in_english(client, secretary):
    earlier = schedule(secretary, days=-30)
    meeting = schedule(secretary, days=-1)
    assert meeting.previous == earlier
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"Meeting {meeting.number}/{meeting.year}" in html
    assert "Approval of the minutes of meeting" in html
    assert "รับรองรายงานการประชุม" not in html
