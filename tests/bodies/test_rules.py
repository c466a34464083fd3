"""The permission matrix: every role × own / other district × action.

Read a row as: a person holding this seat (in district 1046 คลองสามวา, group กรุงเทพตะวันออก) may
do these actions in their own district, and these in another (1001 พระนคร, another group).
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.geo.models import District

pytestmark = pytest.mark.django_db

OWN, OTHER = "1046", "1001"
ACTIONS = ["view_workspace", "propose_issue", "create_issue", "manage_meetings",
           "handle_reports", "update_actions", "appoint_members", "configure"]  # fmt: skip

# seat: (body code, role) or None; then the actions allowed in the own and the other district.
MATRIX = {
    "anonymous": (None, set(), set()),
    "resident": (None, {"propose_issue"}, {"propose_issue"}),
    "committee_member": (
        ("committee-1046", Role.MEMBER),
        {"view_workspace", "propose_issue", "create_issue"},
        {"propose_issue"},
    ),
    "committee_chair": (
        ("committee-1046", Role.CHAIR),
        {"view_workspace", "propose_issue", "create_issue", "manage_meetings"},
        {"propose_issue"},
    ),
    "committee_secretary": (
        ("committee-1046", Role.SECRETARY),
        {"view_workspace", "propose_issue", "create_issue", "manage_meetings"},
        {"propose_issue"},
    ),
    "working_group_member": (
        ("wg-1046-education", Role.MEMBER),
        {"view_workspace", "propose_issue", "create_issue"},
        {"propose_issue"},
    ),
    "division_official": (
        ("division-1046-works", Role.OFFICIAL),
        {"view_workspace", "propose_issue", "handle_reports", "update_actions"},
        {"propose_issue"},
    ),
    "district_director": (
        ("office-1046", Role.DIRECTOR),
        {"view_workspace", "propose_issue", "handle_reports", "update_actions", "appoint_members"},
        {"propose_issue"},
    ),
    "group_committee_member": (
        ("group-4", Role.MEMBER),
        {"view_workspace", "propose_issue"},
        {"propose_issue"},
    ),
    "city_staff": (
        ("city", Role.OFFICIAL),
        {"view_workspace", "propose_issue", "appoint_members", "configure"},
        {"view_workspace", "propose_issue", "appoint_members", "configure"},
    ),
    "former_committee_member": (
        ("committee-1046", "expired"),
        {"propose_issue"},
        {"propose_issue"},
    ),
}


@pytest.fixture
def person(request, make_user):
    seat, _, _ = MATRIX[request.param]
    if request.param == "anonymous":
        return AnonymousUser()
    user = make_user()
    if seat is None:
        return user
    code, role = seat
    if code.startswith("wg-"):
        committee = Body.objects.get(code="committee-1046")
        Body.objects.create(
            code=code, kind=Body.Kind.WORKING_GROUP, name_th="คณะทำงานฯ ด้านการศึกษา",
            parent=committee, district_id=None,
        )  # fmt: skip
    start, end = dt.date(2024, 1, 1), None
    if role == "expired":
        role, end = Role.MEMBER, dt.date(2024, 12, 31)
    appoint(person=user, body=Body.objects.get(code=code), role=role, start=start, end=end)
    return user


@pytest.mark.parametrize("person", list(MATRIX), indirect=True)
@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(person, where, action, request):
    role_name = request.node.callspec.params["person"]
    _, own_allowed, other_allowed = MATRIX[role_name]
    allowed = own_allowed if where == "own" else other_allowed
    district = District.objects.get(code=OWN if where == "own" else OTHER)
    assert person.has_perm(f"ruam.{action}", district) is (action in allowed), (
        f"{role_name} {'may' if action not in allowed else 'may not'} {action} in {where} district"
    )


def test_objects_with_a_district_count_as_that_district(make_user):
    official = make_user()
    appoint(
        person=official,
        body=Body.objects.get(code="division-1046-works"),
        role=Role.OFFICIAL,
        start=dt.date(2024, 1, 1),
    )
    division = Body.objects.get(code="division-1046-works")
    assert official.has_perm("ruam.handle_reports", division)
    assert not official.has_perm(
        "ruam.handle_reports", Body.objects.get(code="division-1001-works")
    )


def test_a_term_that_has_not_started_grants_nothing(make_user):
    future = make_user()
    appoint(
        person=future,
        body=Body.objects.get(code="committee-1046"),
        role=Role.CHAIR,
        start=dt.date.today() + dt.timedelta(days=30),
    )
    assert not future.has_perm("ruam.manage_meetings", District.objects.get(code=OWN))
