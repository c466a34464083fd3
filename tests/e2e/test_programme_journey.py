"""A division official of คลองสามวา records a figure with a photo as evidence from a phone;
the district's progress changes, and the programme's map colours the district."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.programmes.models import Measurement, Progress

from ..conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_records_a_figure_with_evidence(
    phone_page, live_server, reference, django_user_model, tmp_path
):
    page = phone_page
    official = django_user_model.objects.create_user("works-1046", password="pw-12345!x")
    appoint(
        person=official,
        body=Body.objects.get(code="division-1046-works"),
        role=Role.OFFICIAL,
        start=dt.date(2024, 1, 1),
    )
    before = Progress.objects.get(programme__code="million_trees_east", district_id="1046")
    assert before.achieved is None and before.target == 300_000
    evidence = tmp_path / "planting.jpg"
    evidence.write_bytes(jpeg(1200, 900, (60, 140, 60)))

    url = "/programmes/million_trees_east/districts/1046/"
    page.goto(f"{live_server.url}/accounts/login/?next={url}")
    page.fill("[name=username]", "works-1046")
    page.fill("[name=password]", "pw-12345!x")
    page.click("button[type=submit].primary")
    page.wait_for_selector("form.record-measurement")
    assert page.locator(".district-progress .achieved").inner_text() == "—"
    page.fill("[name=date]", "2026-03-14")
    page.fill("[name=value]", "15000")
    page.fill("[name=note]", "ปลูกต้นไม้ริมคลองสามวาร่วมกับชุมชน")
    page.set_input_files("[name=evidence]", str(evidence))
    page.click("form.record-measurement button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert page.locator(".district-progress .achieved").inner_text() == "15,000"
    assert page.locator(".district-progress .progress").inner_text() == "5%"
    assert page.locator("table.measurements img").count() == 1
    page.screenshot(path="var/screenshots/programme-recorded.png", full_page=True)

    figure = Measurement.objects.get(programme__code="million_trees_east", district_id="1046")
    assert figure.evidence_type == "image/jpeg" and figure.recorded_by == official
    assert figure.events.get().actor_body.code == "division-1046-works"
    after = Progress.objects.get(programme__code="million_trees_east", district_id="1046")
    assert after.achieved == 15000 and after.progress == pytest.approx(0.05)
    assert figure.date <= timezone.localdate()

    # The programme's map colours the districts from the same figures as its table.
    page.goto(f"{live_server.url}/programmes/million_trees_east/")
    # The boundaries are simplified once per process on first request: slow on a busy machine.
    page.wait_for_selector("#progress-map[data-ready='1'] path.leaflet-interactive", timeout=60_000)
    assert "คลองสามวา" in page.locator("table.districts").inner_text()
