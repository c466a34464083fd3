"""The hotspots page: for the district's committee and officials only."""

import pytest

from ruam.bodies.models import Role


@pytest.mark.django_db
def test_hotspots_page_is_for_the_districts_people(client, seat, make_user):
    member = seat("committee-1046", Role.MEMBER)
    client.force_login(make_user())
    assert client.get("/districts/1046/hotspots/").status_code == 403
    client.force_login(seat("committee-1001", Role.MEMBER))
    assert client.get("/districts/1046/hotspots/").status_code == 403
    client.force_login(member)
    response = client.get("/districts/1046/hotspots/")
    assert response.status_code == 200
