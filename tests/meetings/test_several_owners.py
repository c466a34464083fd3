"""One resolution assigns several actions to several owners: a division, a working group, a
partner outside government; a partner of another district is refused, and nothing is written."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.meetings.models import Action, Meeting, Section

pytestmark = pytest.mark.django_db
DUE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def _meeting() -> tuple[Meeting, object]:
    meeting = Meeting.objects.create(
        body=Body.objects.get(code="committee-1046"),
        number=1,
        year=2569,
        title="การประชุม",
        starts_at=timezone.now(),
        place="สำนักงานเขต",
    )
    return meeting, meeting.items.create(section=Section.FOR_DECISION, title="เส้นทางจักรยาน")


def _partner(code: str, district: str) -> Body:
    return Body.objects.create(
        code=code,
        kind=Body.Kind.PARTNER,
        name_th=f"อาสาจักรยาน {district}",
        district_id=district,
        contact_name="ผู้ประสานงาน",
        contact_phone="0899999999",
    )


def test_a_resolution_assigns_actions_to_a_division_a_working_group_and_a_partner(client, seat):
    secretary = seat("committee-1046", Role.SECRETARY)
    group = Body.objects.create(
        code="wg-1046-roads",
        kind=Body.Kind.WORKING_GROUP,
        name_th="คณะทำงานฯ ด้านการจราจร",
        parent=Body.objects.get(code="committee-1046"),
        district_id="1046",
    )
    partner = _partner("partner-1046-bikes", "1046")
    meeting, item = _meeting()
    client.force_login(secretary)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "อาสาจักรยาน 1046" in page and "0899999999" not in page  # offered, contact hidden
    client.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/",
        {
            "resolution": "มอบหมายสำรวจเส้นทางจักรยานริมคลอง",
            "action_title": "ออกแบบเส้นทาง",
            "action_owner": Body.objects.get(code="division-1046-works").pk,
            "action_due": DUE,
            "action_title_2": "สำรวจเส้นทางร่วมกับชุมชน",
            "action_owner_2": group.pk,
            "action_due_2": DUE,
            "action_title_3": "ติดป้ายเส้นทาง",
            "action_owner_3": partner.pk,
            "action_due_3": DUE,
        },
    )
    owners = set(Action.objects.values_list("owner__code", flat=True))
    assert owners == {"division-1046-works", "wg-1046-roads", "partner-1046-bikes"}
    assert item.resolutions.get().actions.count() == 3


def test_a_partner_of_another_district_is_refused_and_nothing_is_written(client, seat):
    secretary = seat("committee-1046", Role.SECRETARY)
    elsewhere = _partner("partner-1001-bikes", "1001")
    meeting, item = _meeting()
    client.force_login(secretary)
    response = client.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/",
        {
            "resolution": "มอบหมาย",
            "action_title": "ออกแบบเส้นทาง",
            "action_owner": Body.objects.get(code="division-1046-works").pk,
            "action_due": DUE,
            "action_title_2": "ติดป้าย",
            "action_owner_2": elsewhere.pk,
            "action_due_2": DUE,
        },
    )
    assert response.status_code == 403
    assert not Action.objects.exists() and not item.resolutions.exists()
