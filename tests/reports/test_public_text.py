"""Contact details a resident typed into a report's text are not published: the public page,
lists, the API and Open311 show a marker; the officials handling the report see the text as
written."""

import pytest

from ruam.bodies.models import Role
from ruam.reports import services
from ruam.reports.models import Channel
from ruam.thai.redact import MARK

pytestmark = pytest.mark.django_db
TYPED = "ไฟดับหน้าบ้าน โทร 081-234-5678 หรือ line: somchai99 อีเมล somchai@example.com"
PRIVATE = ["081-234-5678", "somchai99", "somchai@example.com"]


@pytest.fixture
def report():
    return services.submit_report(
        description=TYPED, channel=Channel.WEB, lat=13.8596, lon=100.7046, categories=["แสงสว่าง"]
    ).report


@pytest.mark.parametrize(
    "url",
    [
        "/reports/{code}/",
        "/api/v1/reports/{code}",
        "/api/v1/reports?district=1046",
        "/open311/v2/requests/{code}.json",
        "/open311/v2/requests.json",
        "/districts/1046/reports/",
    ],
)
def test_the_public_sees_a_marker(client, report, url):
    body = client.get(url.format(code=report.code)).content.decode()
    assert not [p for p in PRIVATE if p in body], url
    assert "ไฟดับหน้าบ้าน" in body or "\\u0e44" in body  # the rest of the text is there


def test_the_handling_officials_see_the_text_as_written(client, report, seat):
    client.force_login(seat("division-1046-works", Role.OFFICIAL))
    body = client.get(f"/inbox/{report.code}/").content.decode()
    assert all(p in body for p in PRIVATE)
    assert report.public_description.count(MARK) == 3
