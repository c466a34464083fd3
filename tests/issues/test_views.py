import pytest

from ruam.bodies.models import Role
from ruam.issues.models import Issue
from ruam.reports import services as reports
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


def test_hotspot_to_issue_support_comment_and_move(client, seat, make_user):
    member = seat("committee-1046", Role.MEMBER)
    report = reports.submit_report(
        description="น้ำท่วมซ้ำ", channel=Channel.WEB, lat=13.8596, lon=100.7046
    ).report
    client.force_login(member)
    page = client.get(f"/districts/1046/issues/new/?from=hotspot&reports={report.code}")
    assert report.display_code in page.content.decode()
    response = client.post(
        "/districts/1046/issues/new/?from=hotspot",
        {
            "kind": "problem",
            "title": "น้ำท่วมซ้ำซากซอยวัด",
            "description": "ต้องลอกท่อทั้งสาย",
            "reports": report.code,
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and issue.source == "hotspot"
    assert list(issue.reports.all()) == [report]
    client.post(f"/issues/{issue.pk}/status/", {"to": "screening"})
    issue.refresh_from_db()
    assert issue.status == "screening"
    resident = make_user()
    client.force_login(resident)
    client.post(f"/issues/{issue.pk}/support/")
    client.post(f"/issues/{issue.pk}/comment/", {"text": "เห็นด้วยครับ"})
    assert client.post(f"/issues/{issue.pk}/status/", {"to": "on_agenda"}).status_code == 403
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    assert "เห็นด้วยครับ" in html and "น้ำท่วมซ้ำซากซอยวัด" in html
    issue.refresh_from_db()
    assert issue.support_count == 1
    listing = client.get("/districts/1046/issues/").content.decode()
    assert "น้ำท่วมซ้ำซากซอยวัด" in listing


def test_bad_issue_is_422_in_the_persons_language(client, seat):
    client.force_login(seat("committee-1046", Role.MEMBER))
    response = client.post(
        "/districts/1046/issues/new/", {"kind": "problem", "title": "", "description": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "โปรดตั้งชื่อประเด็น" in html and "Please give the issue a title." not in html


def test_the_group_sees_issues_escalated_from_its_districts(client, seat):
    from ruam.issues import services

    member = seat("committee-1046", Role.MEMBER)
    issue = services.create_issue(
        actor=member,
        district_code="1046",
        title="ถนนเชื่อมเขตชำรุด",
        description="ถนนรอยต่อสองเขต",
        kind="problem",
    )
    services.change_status(issue, actor=member, to="escalated", note="ถนนคร่อมสองเขต")
    html = client.get("/groups/4/issues/").content.decode()
    assert "ถนนเชื่อมเขตชำรุด" in html and "ถนนคร่อมสองเขต" in html
    assert "ถนนเชื่อมเขตชำรุด" not in client.get("/groups/1/issues/").content.decode()


def test_an_issue_with_a_place_shows_it_on_a_map(client, seat):
    from ruam.issues import services

    issue = services.create_issue(
        actor=seat("committee-1046", Role.MEMBER),
        district_code="1046",
        title="สวนสาธารณะ",
        description="ที่ว่างริมคลอง",
        kind="development",
        lat=13.86,
        lon=100.70,
    )
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    assert 'id="map-geometry"' in html and "100.7" in html
