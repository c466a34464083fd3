"""No writing into another district (defects found by a probe, each refused here and nothing
written): a chair cannot put another district's issue on their agenda or give another
district's division an action; a report cannot be forwarded or invited to a body that does not
handle reports there, so another district's committee never sees a reporter's contact details.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.issues import services as issues
from ruam.issues.models import IssueEvent
from ruam.meetings import services as meetings
from ruam.meetings.models import Action, AgendaItem, Section
from ruam.reports import services as reports
from ruam.reports.models import Channel, Report, ReportEvent
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(seat):
    return seat("committee-1046", Role.CHAIR)


@pytest.fixture
def meeting(chair):
    return meetings.schedule_meeting(
        actor=chair,
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now(),
        place="สำนักงานเขตคลองสามวา",
    )


def other_issue(seat, status="proposed"):
    member = seat("committee-1001", Role.MEMBER)
    issue = issues.create_issue(
        actor=member, district_code="1001", title="ถนนพัง", description="พระนคร", kind="problem"
    )
    type(issue).objects.filter(pk=issue.pk).update(status=status)
    issue.refresh_from_db()
    return issue


@pytest.mark.parametrize("status", ["proposed", "resolved", "in_progress", "done", "verified"])
def test_a_chair_cannot_put_another_districts_issue_on_the_agenda(
    client, chair, meeting, seat, status
):
    issue = other_issue(seat, status)
    client.force_login(chair)
    response = client.post(
        f"/meetings/{meeting.pk}/items/", {"issue": issue.pk, "section": Section.FOR_DECISION}
    )
    assert response.status_code == 403
    assert not AgendaItem.objects.filter(issue=issue).exists()
    issue.refresh_from_db()
    assert issue.status == status
    assert not issue.events.exclude(kind=IssueEvent.Kind.CREATED).exists()


def test_an_escalated_issue_goes_on_the_group_committees_agenda(seat):
    """What the rule lets through: the district-group committee takes its districts' issues."""
    issue = other_issue(seat)
    member = seat("committee-1001", Role.MEMBER)
    issues.change_status(issue, actor=member, to="escalated", note="เกินอำนาจเขต")
    group_chair = seat("group-1", Role.CHAIR)
    group_meeting = meetings.schedule_meeting(
        actor=group_chair,
        body=Body.objects.get(code="group-1"),
        starts_at=timezone.now(),
        place="ศาลาว่าการ",
    )
    meetings.add_item(group_meeting, actor=group_chair, section=Section.FOR_DECISION, issue=issue)
    issue.refresh_from_db()
    assert issue.status == "on_agenda"


def test_a_resolution_cannot_give_another_districts_division_an_action(
    client, chair, meeting, seat
):
    item = meetings.add_item(meeting, actor=chair, section=Section.FOR_DECISION, title="ลอกท่อ")
    other = Body.objects.get(code="division-1001-works")
    client.force_login(chair)
    response = client.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/",
        {
            "minutes": "",
            "resolution": "มอบงาน",
            "action_title": "ลอกท่อ",
            "action_owner": other.pk,
            "action_due": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 403
    assert not Action.objects.filter(owner=other).exists()
    assert not item.resolutions.exists()
    # Its own division, and a central department, are within reach.
    for code in ("division-1046-works", "dept-drainage"):
        meetings.resolve(
            item,
            actor=chair,
            text="มอบงาน",
            actions=[
                {
                    "title": "ลอกท่อ",
                    "owner": Body.objects.get(code=code),
                    "due": timezone.localdate(),
                }
            ],
        )
    assert set(Action.objects.values_list("owner__code", flat=True)) == {
        "division-1046-works",
        "dept-drainage",
    }


@pytest.fixture
def report_with_contact():
    return reports.submit_report(
        description="ไฟดับทั้งซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
        contact_name="สมศรี ใจดี",
        contact_email="somsri@example.com",
        contact_phone="0812345678",
        consent=True,
    ).report


@pytest.mark.parametrize("to", [Status.INVITED, Status.FORWARDED])
@pytest.mark.parametrize("target", ["committee-1001", "division-1001-works", "group-4", "city"])
def test_the_status_api_sends_a_report_only_where_reports_are_handled(
    client, seat, report_with_contact, to, target
):
    from ruam.accounts.services import create_api_key

    official = seat("division-1046-works", Role.OFFICIAL)
    key = create_api_key(name="office-app", body=Body.objects.get(code="office-1046"))[1]
    for auth in ({"headers": {"X-Api-Key": key}}, None):
        if auth is None:
            client.force_login(official)
            auth = {}
        response = client.post(
            f"/api/v1/reports/{report_with_contact.code}/status",
            json.dumps({"status": to, "note": "ขอความร่วมมือ", "target_body": target}),
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 422, response.content
        assert "target_body" in response.content.decode()
    report = Report.objects.get(pk=report_with_contact.pk)
    assert report.status == Status.WAITING and not report.invited.exists()
    assert report.responsible.code == "division-1046-works"
    assert list(report.events.values_list("kind", flat=True)) == [ReportEvent.Kind.CREATED]


def test_another_districts_committee_never_sees_the_reporters_contact(
    client, seat, report_with_contact
):
    official = seat("division-1046-works", Role.OFFICIAL)
    client.force_login(official)
    client.post(
        f"/api/v1/reports/{report_with_contact.code}/status",
        json.dumps({"status": "invited", "note": "ช่วยด้วย", "target_body": "committee-1001"}),
        content_type="application/json",
    )
    other_chair = seat("committee-1001", Role.CHAIR)
    client.force_login(other_chair)
    assert client.get("/inbox/").status_code == 403
    page = client.get(f"/inbox/{report_with_contact.code}/")
    assert page.status_code == 403
    for public in (
        f"/reports/{report_with_contact.code}/",
        f"/api/v1/reports/{report_with_contact.code}",
    ):
        body = client.get(public).content.decode()
        assert "somsri@example.com" not in body and "0812345678" not in body
    # A central department invited properly does see it, as the responsible district does.
    client.force_login(official)
    response = client.post(
        f"/api/v1/reports/{report_with_contact.code}/status",
        json.dumps({"status": "invited", "note": "ช่วยด้วย", "target_body": "dept-drainage"}),
        content_type="application/json",
    )
    assert response.status_code == 200
