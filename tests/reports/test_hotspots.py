"""Hotspots: where the same kind of problem keeps coming back, explained in words."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Role
from ruam.reports import services
from ruam.reports.hotspots import district_hotspots
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

from ..conftest import jpeg

BASE = (13.8596, 100.7046)  # คลองสามวา


@pytest.mark.django_db
def test_district_hotspots_are_ranked_and_explained(seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    made = []
    for i in range(7):
        made.append(
            services.submit_report(
                description=f"น้ำท่วมขังหน้าซอย ครั้งที่ {i}",
                channel=Channel.WEB,
                lat=BASE[0] + i * 0.0001,
                lon=BASE[1],
                categories=["น้ำท่วม"],
            ).report
        )
    # The first is fixed; the last three came after the fix.
    services.change_status(made[0], actor=official, to=Status.FINISHED, photos=[jpeg()])
    later = timezone.now() + dt.timedelta(days=1)
    Report.objects.filter(pk__in=[r.pk for r in made[4:]]).update(created=later)
    for i in range(3):  # a different kind elsewhere: not enough for a hotspot
        services.submit_report(
            description="ไฟดับ",
            channel=Channel.WEB,
            lat=BASE[0] + 0.01,
            lon=BASE[1] + i * 0.0001,
            categories=["แสงสว่าง"],
        )
    [hotspot] = district_hotspots("1046")
    assert hotspot.category.name_th == "น้ำท่วม"
    assert hotspot.count == 7 and hotspot.after_fix == 3
    assert hotspot.explain("en").startswith("7 reports of Flooding within 150 m of this point")
    assert "3 after a fix" in hotspot.explain("en")
    assert "แจ้งเรื่องน้ำท่วม 7 เรื่อง" in hotspot.explain("th")
