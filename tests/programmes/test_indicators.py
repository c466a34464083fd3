"""Indicators computed from reports move as the reports do, recounted after the commit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ruam.bodies.models import Role
from ruam.programmes.models import Progress
from ruam.reports import services as reports
from ruam.reports.models import Channel
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db


def fixed(programme: str, district: str | None) -> Decimal | None:
    row = Progress.objects.filter(programme__code=programme, district_id=district).first()
    return row.achieved if row else None


def test_street_light_reports_fixed_and_confirmed_are_counted(
    seat, make_user, photo, django_capture_on_commit_callbacks
):
    official = seat("division-1046-works", Role.OFFICIAL)
    resident = make_user()
    before = fixed("reports_street_lights_fixed", "1046") or 0
    city_before = fixed("reports_street_lights_fixed", None) or 0
    with django_capture_on_commit_callbacks(execute=True):
        light = reports.submit_report(
            description="ไฟส่องสว่างดับทั้งซอย",
            channel=Channel.WEB,
            lat=13.8596,
            lon=100.7046,
            categories=["แสงสว่าง"],
            reporter=resident,
        ).report
        flood = reports.submit_report(
            description="น้ำท่วมขัง",
            channel=Channel.WEB,
            lat=13.8596,
            lon=100.7046,
            categories=["น้ำท่วม"],
            reporter=resident,
        ).report
    with django_capture_on_commit_callbacks(execute=True):
        reports.change_status(light, actor=official, to=Status.IN_PROGRESS)
    assert (fixed("reports_street_lights_fixed", "1046") or 0) == before
    with django_capture_on_commit_callbacks(execute=True):
        reports.change_status(
            light, actor=official, to=Status.FINISHED, note="เปลี่ยนหลอดแล้ว", photos=[photo]
        )
    assert fixed("reports_street_lights_fixed", "1046") == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        reports.confirm_fix(light, actor=resident)
    # Confirmed is still fixed: counted once, in the district and in the city.
    assert fixed("reports_street_lights_fixed", "1046") == before + 1
    assert fixed("reports_street_lights_fixed", None) == city_before + 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reports.change_status(flood, actor=official, to=Status.IN_PROGRESS)
    assert fixed("reports_street_lights_fixed", "1046") == before + 1
    assert callbacks == [] or all("recount" not in repr(c) for c in callbacks)
    # Counting again from the reports gives what the moves kept.
    from ruam.programmes.indicators import recompute_all

    kept = fixed("reports_street_lights_fixed", "1046"), fixed("reports_street_lights_fixed", None)
    recompute_all()
    assert (
        fixed("reports_street_lights_fixed", "1046"),
        fixed("reports_street_lights_fixed", None),
    ) == kept


def test_a_rolled_back_move_recounts_nothing(seat, make_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    official = seat("division-1046-works", Role.OFFICIAL)
    with django_capture_on_commit_callbacks(execute=True):
        light = reports.submit_report(
            description="ไฟดับ",
            channel=Channel.WEB,
            lat=13.8596,
            lon=100.7046,
            categories=["แสงสว่าง"],
        ).report
    before = fixed("reports_street_lights_fixed", "1046")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        reports.change_status(light, actor=official, to=Status.NOT_RELEVANT, note="ไม่ใช่")
        transaction.set_rollback(True)
    assert callbacks == []
    assert fixed("reports_street_lights_fixed", "1046") == before


def test_recompute_all_after_a_bulk_load():
    from django.core.management import call_command

    call_command("recompute_indicators", verbosity=0)
    assert Progress.objects.filter(
        programme__code="reports_street_lights_fixed", district__isnull=True
    ).exists()
