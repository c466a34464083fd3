"""Permission matrix for the committee's workspace: role × own/other district × action."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.issues import services as issues
from ruam.meetings import services as meetings
from ruam.meetings.models import Action

pytestmark = pytest.mark.django_db

SEATS = {
    "anonymous": None,
    "resident": (),
    "member": ("committee-{d}", Role.MEMBER),
    "chair": ("committee-{d}", Role.CHAIR),
    "secretary": ("committee-{d}", Role.SECRETARY),
    "works_official": ("division-{d}-works", Role.OFFICIAL),
    "director": ("office-{d}", Role.DIRECTOR),
    "city_staff": ("city", Role.OFFICIAL),
}
ACTIONS = ["propose_issue", "move_issue", "hide_comment", "manage_meeting", "update_action"]
# What each role may do in its OWN district (1046); in another district (1001) only residents'
# rights remain.
ALLOWED_OWN = {
    "anonymous": set(),
    "resident": {"propose_issue"},
    "member": {"propose_issue", "move_issue", "hide_comment"},
    "chair": {"propose_issue", "move_issue", "hide_comment", "manage_meeting"},
    "secretary": {"propose_issue", "move_issue", "hide_comment", "manage_meeting"},
    "works_official": {"propose_issue", "update_action"},
    "director": {"propose_issue", "update_action"},
    "city_staff": {"propose_issue"},
}


def person(role: str, district: str, make_user):
    seat = SEATS[role]
    if seat is None:
        return AnonymousUser()
    user = make_user()
    if seat:
        code, r = seat
        appoint(
            person=user,
            body=Body.objects.get(code=code.format(d=district)),
            role=r,
            start=dt.date(2024, 1, 1),
        )
    return user


def attempt(action: str, actor, district: str, make_user) -> bool:
    owner = make_user(f"owner-{action}-{district}-{id(actor)}")
    appoint(
        person=owner,
        body=Body.objects.get(code=f"committee-{district}"),
        role=Role.SECRETARY,
        start=dt.date(2024, 1, 1),
    )
    issue = issues.create_issue(
        actor=owner,
        district_code=district,
        title="ทางเท้าชำรุด",
        description="ทางเท้าหน้าตลาด",
        kind="problem",
    )
    try:
        if action == "propose_issue":
            issues.create_issue(
                actor=actor,
                district_code=district,
                title="ข้อเสนอ",
                description="ข้อเสนอ",
                kind="development",
            )
        elif action == "move_issue":
            issues.change_status(issue, actor=actor, to="screening")
        elif action == "hide_comment":
            comment = issues.comment(issue, author=owner, text="ความคิดเห็น")
            issues.hide_comment(comment, actor=actor, reason="ไม่เกี่ยวข้อง")
        elif action == "manage_meeting":
            meetings.schedule_meeting(
                actor=actor, body=issue.body, starts_at=timezone.now(), place="ห้องประชุม"
            )
        elif action == "update_action":
            act = Action.objects.create(
                title="ลอกท่อ",
                issue=issue,
                due=timezone.localdate(),
                owner=Body.objects.get(code=f"division-{district}-works"),
            )
            meetings.update_action(act, actor=actor, progress=10)
        return True
    except NotAllowed:
        return False
    except InvalidInput as exc:  # a refusal for a reason other than permission is a test bug
        raise AssertionError(exc) from exc


@pytest.mark.parametrize("role", list(SEATS))
@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("action", ACTIONS)
def test_committee_permission_matrix(role, where, action, make_user):
    actor = person(role, "1046", make_user)
    district = "1046" if where == "own" else "1001"
    expected = (
        action in ALLOWED_OWN[role]
        if where == "own"
        else (action == "propose_issue" and role != "anonymous")
    )
    assert attempt(action, actor, district, make_user) is expected
