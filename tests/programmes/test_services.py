"""Recording, verifying and correcting figures: the timeline, the progress, the refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ruam.core.errors import InvalidInput, NotAllowed
from ruam.geo.models import District
from ruam.programmes import services
from ruam.programmes.models import Measurement, MeasurementEvent, Programme, Progress

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def standing(programme, district=None) -> Progress:
    return Progress.objects.get(programme=programme, district_id=district)


def test_a_figure_is_recorded_on_the_timeline_and_moves_the_progress(flood, official):
    city_before = standing(flood).achieved
    made = services.record_measurement(
        actor=official,
        programme=flood,
        district_code="1046",
        date=YESTERDAY,
        value="3",
        note="แก้จุดเสี่ยงหน้าตลาด",
    )
    event = made.events.get()
    assert event.kind == MeasurementEvent.Kind.RECORDED and event.actor == official
    assert event.actor_body.code == "division-1046-works"
    assert made.body.code == "division-1046-works" and made.status == "recorded"
    assert standing(flood, "1046").achieved == Decimal(3)
    assert standing(flood, "1046").unverified == 1
    # The published city figure (370 by 28 May 2024) plus what was recorded after it.
    assert standing(flood).achieved == city_before + 3


def test_the_secretary_verifies_and_the_recorder_cannot(flood, official, secretary):
    made = services.record_measurement(
        actor=official, programme=flood, district_code="1046", date=YESTERDAY, value="1"
    )
    with pytest.raises(NotAllowed):
        services.verify_measurement(made, actor=official)
    services.verify_measurement(made, actor=secretary, note="ตรวจสถานที่แล้ว")
    made.refresh_from_db()
    assert made.status == "verified" and made.verified_by == secretary
    assert [e.kind for e in made.events.all()] == ["recorded", "verified"]
    assert standing(flood, "1046").unverified == 0
    with pytest.raises(InvalidInput):  # a verified figure is not verified twice
        services.verify_measurement(made, actor=secretary)


def test_a_correction_is_a_new_entry_and_the_old_one_is_kept(flood, official):
    first = services.record_measurement(
        actor=official, programme=flood, district_code="1046", date=YESTERDAY, value="5"
    )
    second = services.correct_measurement(first, actor=official, value="2", note="นับซ้ำ")
    first.refresh_from_db()
    assert first.status == Measurement.Status.SUPERSEDED and second.corrects == first
    assert first.events.last().kind == "corrected" and "5.00 → 2.00" in first.events.last().note
    assert Measurement.objects.filter(programme=flood, district_id="1046").count() == 2
    assert standing(flood, "1046").achieved == Decimal(2)
    with pytest.raises(InvalidInput):  # the old one cannot be corrected again
        services.correct_measurement(first, actor=official, value="1", note="อีกครั้ง")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"value": "สาม"}, "value"),
        ({"unit": "km"}, "unit"),
        ({"date": timezone.localdate() + dt.timedelta(days=3)}, "date"),
        ({"date": "31/12/2025"}, "date"),
        ({"district_code": "9999"}, "district"),
        ({"lat": 13.75, "lon": 100.50}, "lat"),  # พระนคร, not คลองสามวา
        ({"evidence": b"not a photo"}, "evidence"),
    ],
)
def test_bad_figures_are_refused_in_both_languages_and_nothing_is_written(
    flood, official, changes, field
):
    values = {"district_code": "1046", "date": YESTERDAY, "value": "1"} | changes
    with pytest.raises(InvalidInput) as refused:
        services.record_measurement(actor=official, programme=flood, **values)
    assert field in refused.value.errors
    assert refused.value.errors[field].th and refused.value.errors[field].en
    assert not Measurement.objects.filter(programme=flood, district_id="1046").exists()


def test_a_date_outside_the_period_is_refused():
    programme = Programme.objects.get(code="million_trees_fy2567")  # FY2024 only
    official_district = "1046"
    from django.contrib.auth import get_user_model

    from ruam.bodies.models import Body, Role
    from ruam.bodies.services import appoint

    person = get_user_model().objects.create_user("w", password="pw-1!x")
    appoint(
        person=person,
        body=Body.objects.get(code="division-1046-works"),
        role=Role.OFFICIAL,
        start=dt.date(2024, 1, 1),
    )
    with pytest.raises(InvalidInput) as refused:
        services.record_measurement(
            actor=person,
            programme=programme,
            district_code=official_district,
            date=dt.date(2025, 1, 10),
            value="10",
        )
    assert "2023-10-01" in refused.value.errors["date"].en


def test_staff_record_for_their_own_district_only(flood, seat):
    from ruam.bodies.models import Role

    elsewhere = seat("division-1001-works", Role.OFFICIAL)
    with pytest.raises(NotAllowed):
        services.record_measurement(
            actor=elsewhere, programme=flood, district_code="1046", date=YESTERDAY, value="1"
        )
    assert not Measurement.objects.filter(district_id="1046", programme=flood).exists()


def test_computed_programmes_cannot_be_typed(official):
    computed = Programme.objects.get(code="reports_street_lights_fixed")
    with pytest.raises(InvalidInput) as refused:
        services.record_measurement(
            actor=official, programme=computed, district_code="1046", date=YESTERDAY, value="1"
        )
    assert "programme" in refused.value.errors


def test_a_photo_is_kept_without_its_metadata_and_a_pdf_as_sent(flood, official, photo):
    with_photo = services.record_measurement(
        actor=official,
        programme=flood,
        district_code="1046",
        date=YESTERDAY,
        value="1",
        evidence=photo,
    )
    assert with_photo.evidence_type == "image/jpeg" and with_photo.thumbnail
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with_pdf = services.record_measurement(
        actor=official,
        programme=flood,
        district_code="1046",
        date=YESTERDAY,
        value="1",
        evidence=pdf,
    )
    assert with_pdf.evidence_type == "application/pdf" and with_pdf.evidence.read() == pdf


def test_a_districts_own_programme_stays_out_of_city_totals_unless_mapped(seat, official):
    from ruam.bodies.models import Role

    chair = seat("committee-1046", Role.CHAIR)
    director = seat("office-1046", Role.DIRECTOR)
    district = District.objects.get(code="1046")
    parks = Programme.objects.get(code="parks_15min")
    city_before = Progress.objects.get(programme=parks, district__isnull=True).achieved
    own = services.add_district_programme(
        actor=chair, district=district, name_th="ลานกีฬาชุมชน", unit_th="แห่ง"
    )
    assert own.area.number == 6 and not own.in_city_totals
    assert own.events.get().kind == "created" and own.events.get().actor == chair
    services.set_target(actor=director, programme=own, district_code="1046", year=2026, value=4)
    services.record_measurement(
        actor=official, programme=own, district_code="1046", date=YESTERDAY, value="1"
    )
    assert Progress.objects.get(programme=own, district_id="1046").progress == 0.25
    assert Progress.objects.get(programme=parks, district__isnull=True).achieved == city_before
    mapped = services.add_district_programme(
        actor=chair,
        district=district,
        name_th="สวนหย่อมริมคลอง",
        unit_th="แห่ง",
        counts_toward=parks,
        starts="2025-10-01",
    )
    # Counted within the city programme's own period (it ends on 30 Sep 2026).
    services.record_measurement(
        actor=official, programme=mapped, district_code="1046", date="2026-06-01", value="2"
    )
    assert Progress.objects.get(programme=parks, district__isnull=True).achieved == city_before + 2
    with pytest.raises(NotAllowed):  # another district's committee cannot add one here
        services.add_district_programme(
            actor=seat("committee-1001", Role.CHAIR), district=district, name_th="x", unit_th="y"
        )


def test_targets_keep_their_history(flood, seat):
    from ruam.bodies.models import Role

    planner = seat("dept-drainage", Role.OFFICIAL)
    services.set_target(actor=planner, programme=flood, district_code="1046", year=2027, value=8)
    target = services.set_target(
        actor=planner, programme=flood, district_code="1046", year=2027, value=10
    )
    assert [(e.from_status, e.to_status) for e in target.events.all()] == [
        ("", "8.00"),
        ("8.00", "10.00"),
    ]
    assert standing(flood, "1046").target == Decimal(10)
