"""Pages answer odd numbers as they answer no number: never with a 500. (The API's own bounds
are tested in tests/api.)"""

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.meetings import services as meetings

pytestmark = pytest.mark.django_db
ODD = ["³", "٣", "๑๒", "-1", "99999999999999999999", "1e3", "abc", " 7 ", "\u0000"]


@pytest.mark.parametrize("value", ODD)
def test_query_numbers_on_pages(client, seat, value):
    client.force_login(seat("division-1046-works", Role.OFFICIAL))
    for url in (
        "/inbox/?view=all&category={v}",
        "/inbox/?view=all&older={v}",
        "/search/?q=ไฟ&page={v}",
        "/districts/1046/hotspots/?months={v}&category={v}",
        "/districts/1046/issues/?page={v}",
    ):
        response = client.get(url.format(v=value))
        assert response.status_code < 500, url


@pytest.mark.parametrize("value", ODD)
def test_posted_numbers_on_the_meeting_page(client, seat, value):
    secretary = seat("committee-1046", Role.SECRETARY)
    meeting = meetings.schedule_meeting(
        actor=secretary,
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now(),
        place="ห้องประชุม",
    )
    client.force_login(secretary)
    response = client.post(
        f"/meetings/{meeting.pk}/items/", {"section": value, "issue": value, "title": "เรื่อง"}
    )
    assert response.status_code == 302
    response = client.post(f"/meetings/{meeting.pk}/invite/", {"body": value, "name": "แขก"})
    assert response.status_code == 302
    item = meeting.items.get()
    response = client.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/",
        {"resolution": "มติ", "action_title": "งาน", "action_owner": value, "action_due": value},
    )
    assert response.status_code < 500
