"""The pages: a programme with its districts, a district's section, the committee's and the
issue's, the plan; Thai first, English too; a partner's contact person never shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.issues import services as issues
from ruam.issues.models import Issue
from ruam.programmes import services
from ruam.programmes.models import Programme

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def test_a_programme_page_shows_the_city_the_districts_and_the_latest_figures(client, official):
    trees = Programme.objects.get(code="million_trees_east")
    services.record_measurement(
        actor=official,
        programme=trees,
        district_code="1046",
        date="2026-03-01",
        value="1500",
        note="ปลูกริมคลองสามวา",
    )
    page = client.get("/programmes/million_trees_east/").content.decode()
    assert "1,060,000" in page and "ปลูกริมคลองสามวา" in page
    assert "progress-figures" in page and "/api/v1/districts.geojson" in page
    assert "คลองสามวา" in page and "300,000" in page  # the district table beside the map
    assert "nationthailand.com" in page  # the source, with the figures


def test_placeholders_are_marked_where_no_official_figure_exists(client):
    page = client.get("/programmes/million_trees/").content.decode()
    assert "ค่าชั่วคราว" in page or "placeholder" in page.lower()
    en = client.get("/programmes/million_trees/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 200


def test_the_district_page_and_the_committee_page_have_a_programme_section(client, official):
    services.record_measurement(
        actor=official,
        programme=Programme.objects.get(code="flood_risk_points"),
        district_code="1046",
        date=YESTERDAY,
        value="2",
    )
    for url in ("/districts/1046/", "/districts/1046/committee/"):
        page = client.get(url).content.decode()
        assert (
            "section-programmes" in page and "/programmes/flood_risk_points/districts/1046/" in page
        )


def test_a_committee_issue_shows_the_programmes_it_moves(client, seat):
    member = seat("committee-1046", Role.MEMBER)
    issue = issues.create_issue(
        actor=member,
        district_code="1046",
        title="สวน 15 นาทีริมคลอง",
        description="ที่ว่าง",
        kind=Issue.Kind.DEVELOPMENT,
    )
    assert "/programmes/parks_15min/" not in client.get(issue.get_absolute_url()).content.decode()
    Programme.objects.get(code="parks_15min").issues.add(issue)
    assert "/programmes/parks_15min/" in client.get(issue.get_absolute_url()).content.decode()


def test_the_plan_page_rolls_up_to_the_dimensions_with_a_table(client):
    page = client.get("/plan/").content.decode()
    assert page.count('<th scope="row">') >= 9 and "เดินทางดี" in page and "OKR" not in page[:200]
    assert "เป้าหมายตามนโยบาย" in page  # the FY2024 goals under their issues


def test_a_partners_contact_person_is_never_public(client, official):
    partner = Body.objects.create(
        code="partner-1046-test",
        kind=Body.Kind.PARTNER,
        name_th="อาสาจักรยานทดสอบ",
        district_id="1046",
        contact_name="นายติดต่อ ลับเฉพาะ",
        contact_phone="0812345678",
        contact_email="contact@example.test",
    )
    person = official
    from ruam.bodies.services import appoint

    appoint(person=person, body=partner, role=Role.MEMBER, start=dt.date(2024, 1, 1))
    made = services.record_measurement(
        actor=person,
        programme=Programme.objects.get(code="flood_risk_points"),
        district_code="1046",
        date=YESTERDAY,
        value="1",
    )
    urls = [
        f"/measurements/{made.pk}/",
        "/programmes/flood_risk_points/",
        "/programmes/flood_risk_points/districts/1046/",
        "/districts/1046/programmes/",
        "/districts/1046/programmes/export.csv",
        "/api/v1/programmes/flood_risk_points",
        "/districts/1046/",
        "/districts/1046/committee/",
    ]
    for url in urls:
        body = client.get(url).content.decode("utf-8", "replace")
        assert "ลับเฉพาะ" not in body and "0812345678" not in body and "contact@" not in body


def test_a_figure_page_offers_verify_to_the_secretary_only(client, official, secretary):
    made = services.record_measurement(
        actor=official,
        programme=Programme.objects.get(code="flood_risk_points"),
        district_code="1046",
        date=YESTERDAY,
        value="1",
    )
    client.force_login(official)
    page = client.get(f"/measurements/{made.pk}/").content.decode()
    assert "/verify/" not in page and "correct" in page
    client.force_login(secretary)
    assert (
        f"/measurements/{made.pk}/verify/"
        in client.get(f"/measurements/{made.pk}/").content.decode()
    )
    client.post(f"/measurements/{made.pk}/verify/")
    made.refresh_from_db()
    assert made.status == "verified"


def test_the_record_form_refuses_bad_input_in_the_persons_language(client, official):
    client.force_login(official)
    response = client.post(
        "/programmes/flood_risk_points/districts/1046/",
        {"form": "measurement", "date": YESTERDAY.isoformat(), "value": "-4"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "ค่าต้องเป็นตัวเลขไม่ติดลบ" in page and "The value must be a number" not in page


def test_figures_with_a_place_are_dots_on_the_programmes_map(client, official):
    services.record_measurement(
        actor=official,
        programme=Programme.objects.get(code="flood_risk_points"),
        district_code="1046",
        date=YESTERDAY,
        value="1",
        lat=13.8596,
        lon=100.7046,
    )
    data = client.get("/programmes/flood_risk_points/").context["map_data"]
    assert data["points"] == [[13.8596, 100.7046, f"{YESTERDAY:%Y-%m-%d} · 1 จุด"]]
    assert data["districts"]["1046"]["progress"] is None  # no target for this district
