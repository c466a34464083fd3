"""Hotspots: where the same kind of problem keeps coming back, explained in words."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from ruam.bodies.models import Role
from ruam.insights.clusters import find_clusters
from ruam.insights.hotspots import district_hotspots
from ruam.reports import services
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

from ..conftest import jpeg

BASE = (13.8596, 100.7046)  # คลองสามวา


def test_clusters_need_enough_points_within_the_radius():
    rng = np.random.default_rng(1)
    # 8 points within ~50 m, 3 points far away.
    lat = np.r_[BASE[0] + rng.normal(0, 0.0002, 8), BASE[0] + np.array([0.02, 0.03, 0.04])]
    lon = np.r_[BASE[1] + rng.normal(0, 0.0002, 8), BASE[1] + np.array([0.02, 0.03, 0.04])]
    created = np.arange(11, dtype=float)
    fixed = np.full(11, np.nan)
    [cluster] = find_clusters(lat, lon, created, fixed, radius_m=150, min_reports=5)
    assert sorted(cluster.members.tolist()) == list(range(8))
    assert find_clusters(lat, lon, created, fixed, radius_m=150, min_reports=9) == []


def test_after_a_fix_counts_reports_made_once_a_member_was_fixed():
    lat = np.full(6, BASE[0])
    lon = np.full(6, BASE[1])
    created = np.array([0, 1, 2, 10, 11, 12], dtype=float)
    fixed = np.array([5, np.nan, np.nan, np.nan, np.nan, np.nan])
    [cluster] = find_clusters(lat, lon, created, fixed, min_reports=5)
    assert cluster.after_fix == 3


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
