import pytest

from ruam.bodies.models import DivisionType
from ruam.framework.models import Category, RoutingRule
from ruam.framework.selectors import route

pytestmark = pytest.mark.django_db


def test_default_route_goes_to_the_districts_own_division():
    found = route(Category.objects.get(name_th="น้ำท่วม"), "1046")
    assert found.division.district_id == "1046"
    assert found.division.division_type.name_th == "ฝ่ายโยธา"
    assert found.department.name_th == "สำนักการระบายน้ำ"
    assert found.deadline_days == 3


def test_a_districts_own_rule_overrides_the_default():
    trees = Category.objects.get(name_th="ต้นไม้")
    RoutingRule.objects.create(
        category=trees,
        district_id="1046",
        division_type=DivisionType.objects.get(code="environment"),
        deadline_days=5,
    )
    assert route(trees, "1046").division.division_type.code == "environment"
    assert route(trees, "1046").deadline_days == 5
    assert route(trees, "1001").division.division_type.code == "cleansing"
    assert route(trees, "1001").deadline_days == trees.deadline_days


def test_the_bulk_table_answers_what_route_answers_everywhere():
    """One rule, two forms: RoutingTable (intake's cache, the Traffy import) and route() agree
    for every category in every district, a district's own rules included."""
    from ruam.bodies.models import Body
    from ruam.framework.selectors import RoutingTable

    trees = Category.objects.get(name_th="ต้นไม้")
    RoutingRule.objects.create(
        category=trees,
        district_id="1046",
        division_type=DivisionType.objects.get(code="environment"),
        deadline_days=5,
    )
    table = RoutingTable()
    offices = dict(
        Body.objects.filter(kind=Body.Kind.DISTRICT_OFFICE).values_list("district_id", "pk")
    )
    for category in Category.objects.all():
        for district in ("1001", "1046", "1050"):
            expected = route(category, district)
            got = table.route(category, district)
            division = expected.division.pk if expected.division else offices[district]
            assert (got.responsible_id, got.department_id, got.deadline_days) == (
                division,
                expected.department.pk if expected.department else None,
                expected.deadline_days,
            ), (category.name_th, district)
    assert table.route(None, "1046").responsible_id == offices["1046"]
