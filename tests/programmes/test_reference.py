"""The seed's programmes load with load-reference, with their sources; nothing is invented."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ruam.framework.models import PlanItem
from ruam.programmes.models import Measurement, PlanIndicator, Programme, Target

pytestmark = pytest.mark.django_db


def test_the_seeds_programmes_with_their_published_figures():
    codes = set(Programme.objects.values_list("code", flat=True))
    assert {
        "million_trees",
        "parks_15min",
        "hawker_center",
        "ev_garbage_trucks",
        "straw_baler_no_burn",
        "drain_cleaning",
        "flood_risk_points",
        "mai_tae_ruam",
        "street_lights",
        "beautiful_roads",
        "bike_lanes",
        "school_improvements",
    } <= codes
    trees = Programme.objects.get(code="million_trees")
    assert trees.city_target == 1_000_000 and trees.owner.code == "dept-environment"
    published = trees.measurements.get(origin=Measurement.Origin.PUBLISHED, district=None)
    assert published.value == 1_002_937 and "thaipbsworld" in published.source_url
    straw = Programme.objects.get(code="straw_baler_no_burn")
    assert straw.direction == "less" and straw.baseline == 5625


def test_district_targets_are_official_or_marked_placeholders():
    official = Target.objects.get(programme__code="million_trees_east", district_id="1046")
    assert official.value == 300_000 and not official.is_placeholder and official.source_url
    share = Target.objects.get(programme__code="million_trees_fy2567", district_id="1046")
    assert share.is_placeholder and share.value == 3000 and "placeholder" in share.note
    # No target is made up where the source gives no districts' total.
    assert not Target.objects.filter(programme__code="ev_garbage_trucks").exists()


def test_policy_goals_sit_under_their_development_issues_and_no_urgent_goal_is_invented():
    goal = PlanItem.objects.get(kind__code="policy-goal-fy2567", code="G2")
    assert goal.parent.code == "I11"  # OKR 4.1.01: dimension 4, its first issue
    indicator = PlanIndicator.objects.get(plan_item=goal)
    assert indicator.target == 200_000 and indicator.achieved == 362_942
    assert not PlanItem.objects.filter(kind__code__in=["urgent-goal", "bma-20-year-plan"]).exists()


def test_loading_again_changes_nothing():
    before = (Programme.objects.count(), Target.objects.count(), Measurement.objects.count())
    call_command("load_reference", verbosity=0)
    assert (
        Programme.objects.count(),
        Target.objects.count(),
        Measurement.objects.count(),
    ) == before


def test_a_published_figure_outside_the_period_is_kept_but_not_counted():
    from ruam.programmes.models import Progress

    # Bang Rak's 4 hawker centres date from Jan 2023, before the FY2024 goal's period.
    old = Measurement.objects.get(programme__code="hawker_center", district__name_th="บางรัก")
    assert old.date.year == 2023
    row = Progress.objects.get(programme__code="hawker_center", district_id=old.district_id)
    assert row.achieved is None and row.measurements == 0
