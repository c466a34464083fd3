"""Reference data: what load-reference puts in the database, and that it is repeatable."""

import pytest
from django.core.management import call_command

from ruam.bodies.models import Body, DivisionType
from ruam.framework.models import Area, Category, PlanItem, PlanKind, RoutingRule
from ruam.geo.models import Community, District, DistrictGroup, Subdistrict

pytestmark = pytest.mark.django_db

GROUP_SIZES = {"กรุงเทพกลาง": 9, "กรุงเทพใต้": 10, "กรุงเทพเหนือ": 7, "กรุงเทพตะวันออก": 9,
               "กรุงธนเหนือ": 8, "กรุงธนใต้": 7}  # fmt: skip


def counts():
    models = [DistrictGroup, District, Subdistrict, Community, Area, PlanKind, PlanItem, Category,
              RoutingRule, DivisionType, Body]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_bangkok_is_complete():
    assert DistrictGroup.objects.count() == 6
    assert District.objects.count() == 50
    assert Subdistrict.objects.count() == 180
    assert Community.objects.count() == 2007
    sizes = {g.name_th: g.districts.count() for g in DistrictGroup.objects.all()}
    assert sizes == GROUP_SIZES


def test_every_subdistrict_code_extends_its_district_code():
    for sub in Subdistrict.objects.all():
        assert sub.code[:4] == sub.district_id


def test_districts_carry_boundaries_and_areas():
    district = District.objects.get(code="1046")
    assert district.name_th == "คลองสามวา"
    assert district.group.name_th == "กรุงเทพตะวันออก"
    assert district.boundary["type"] in {"Polygon", "MultiPolygon"}
    assert district.area_km2 > 100


def test_areas_plan_tree_and_categories():
    assert list(Area.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    dimensions = PlanItem.objects.filter(kind__code="dimension")
    issues = PlanItem.objects.filter(kind__code="development-issue")
    assert dimensions.count() == 9
    assert issues.count() == 28
    assert all(issue.parent.kind.code == "dimension" for issue in issues)
    assert Category.objects.count() == 24
    flooding = Category.objects.get(name_th="น้ำท่วม")
    assert flooding.area.number == 4
    assert flooding.plan_item.name_th == "ป้องกันและแก้ปัญหาน้ำท่วม"


def test_routing_table_sends_each_category_to_a_division_everywhere():
    rules = RoutingRule.objects.filter(district__isnull=True).select_related("division_type")
    assert rules.count() == 24
    road = rules.get(category__name_th="ถนน")
    assert road.division_type.name_th == "ฝ่ายโยธา"
    assert road.department.name_th == "สำนักการโยธา"
    # Every district office has each division a rule can route to.
    for district in District.objects.all():
        kinds = set(
            Body.objects.filter(kind=Body.Kind.DIVISION, district=district).values_list(
                "division_type__code", flat=True
            )
        )
        assert {rule.division_type.code for rule in rules} <= kinds


def test_bodies_exist_for_every_district_and_group():
    assert Body.objects.filter(kind=Body.Kind.COMMITTEE).count() == 50
    assert Body.objects.filter(kind=Body.Kind.DISTRICT_OFFICE).count() == 50
    assert Body.objects.filter(kind=Body.Kind.DIVISION).count() == 500
    assert Body.objects.filter(kind=Body.Kind.GROUP_MEETING).count() == 6
    assert Body.objects.filter(kind=Body.Kind.DEPARTMENT, name_th="สำนักการระบายน้ำ").exists()


def test_loading_twice_changes_nothing():
    before = counts()
    call_command("load_reference", verbosity=0)
    assert counts() == before


def test_reloading_restores_edited_reference_rows_but_keeps_routing_edits():
    district = District.objects.get(code="1001")
    district.name_en = "Changed"
    district.save()
    rule = RoutingRule.objects.get(category__name_th="ต้นไม้", district__isnull=True)
    rule.division_type = DivisionType.objects.get(code="environment")
    rule.save()
    call_command("load_reference", verbosity=0)
    assert District.objects.get(code="1001").name_en == "Phra Nakhon"
    rule.refresh_from_db()
    assert rule.division_type.code == "environment"


def test_administrators_can_add_plan_levels_without_code():
    kind = PlanKind.objects.get(code="urgent-goal")
    goal = PlanItem.objects.create(kind=kind, code="G01", name_th="เป้าหมายเร่งด่วนที่ 1")
    child = PlanItem.objects.create(
        kind=PlanKind.objects.get(code="development-issue"), code="X1", name_th="x", parent=goal
    )
    assert list(goal.children.all()) == [child]
