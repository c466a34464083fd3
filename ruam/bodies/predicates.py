"""Who sits where: the predicates every app's ``rules.py`` builds its permissions from.

Each predicate takes ``(user, target)`` where the target is a District, or anything with a
``district`` (a body, a report, an issue …); what counts is the district it belongs to.
Memberships are read once per user object and kept on it, so a page that asks many questions
asks the database once. The permissions themselves are named in the apps that check them
(``reports.rules``, ``issues.rules``, ``meetings.rules``, ``insights.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.utils import timezone

from ruam.bodies.models import Body, Membership, Role

COMMITTEE_KINDS = {Body.Kind.COMMITTEE, Body.Kind.WORKING_GROUP}
OFFICE_KINDS = {Body.Kind.DISTRICT_OFFICE, Body.Kind.DIVISION}
# Bodies that receive reports: a district office, its divisions, a central department.
HANDLING_KINDS = OFFICE_KINDS | {Body.Kind.DEPARTMENT}
OFFICER_ROLES = {Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY, Role.ASSISTANT_SECRETARY}


@dataclass(frozen=True, slots=True)
class Seat:
    body: int
    kind: str
    role: str
    district: str | None
    group: str | None


def seats(user: Any) -> list[Seat]:
    """The user's current memberships, as plain values, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_ruam_seats", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    found = []
    for membership in (
        Membership.objects.current(today)
        .filter(person=user)
        .select_related("body", "body__parent", "body__district")
    ):
        body = membership.body
        district = body.district_id or (body.parent.district_id if body.parent else None)
        group = body.group_id or (body.district.group_id if body.district_id else None)
        found.append(Seat(body.pk, body.kind, membership.role, district, group))
    user._ruam_seats = found
    return found


def district_of(target: Any) -> str | None:
    """The district code a target belongs to (a District, or anything with one)."""
    if target is None:
        return None
    from ruam.geo.models import District

    if isinstance(target, District):
        return target.code
    if isinstance(target, str):
        return target
    return getattr(target, "district_id", None)


def group_of(target: Any) -> str | None:
    code = district_of(target)
    if code is None:
        return None
    from ruam.geo.models import District

    return District.objects.filter(code=code).values_list("group_id", flat=True).first()


@rules.predicate
def is_city_staff(user: Any) -> bool:
    return any(seat.kind == Body.Kind.CITY for seat in seats(user))


@rules.predicate
def is_committee_member(user: Any, target: Any) -> bool:
    district = district_of(target)
    return district is not None and any(
        seat.kind in COMMITTEE_KINDS and seat.district == district for seat in seats(user)
    )


@rules.predicate
def is_committee_officer(user: Any, target: Any) -> bool:
    district = district_of(target)
    return district is not None and any(
        seat.kind == Body.Kind.COMMITTEE
        and seat.district == district
        and seat.role in OFFICER_ROLES
        for seat in seats(user)
    )


@rules.predicate
def is_district_official(user: Any, target: Any) -> bool:
    district = district_of(target)
    return district is not None and any(
        seat.kind in OFFICE_KINDS and seat.district == district for seat in seats(user)
    )


@rules.predicate
def is_district_director(user: Any, target: Any) -> bool:
    district = district_of(target)
    return district is not None and any(
        seat.kind == Body.Kind.DISTRICT_OFFICE
        and seat.district == district
        and seat.role in {Role.DIRECTOR, Role.ASSISTANT_DIRECTOR}
        for seat in seats(user)
    )


@rules.predicate
def is_group_staff(user: Any, target: Any) -> bool:
    """Sits on the district-group committee of the target's group."""
    mine = {seat.group for seat in seats(user) if seat.kind == Body.Kind.GROUP_MEETING}
    return bool(mine) and group_of(target) in mine


is_resident = rules.is_authenticated


def sits_in(user: Any, body: Any) -> bool:
    """Holds a current seat in this body (any role)."""
    return body is not None and any(seat.body == body.pk for seat in seats(user))


def is_officer_of(user: Any, body: Any) -> bool:
    """Chair, vice chair or secretary of this body."""
    return body is not None and any(
        seat.body == body.pk and seat.role in OFFICER_ROLES for seat in seats(user)
    )


@rules.predicate
def handles_reports_somewhere(user: Any) -> bool:
    """Sits in a district office, a division or a central department."""
    return any(seat.kind in HANDLING_KINDS for seat in seats(user))
