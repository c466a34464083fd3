"""Who may record, verify and plan a programme's figures.

Staff record figures for their own district only: the officials of its district office and
divisions, and people of a partner that works in that district; the people of the programme's
owning central department record anywhere (their own city-wide work too). The owning
department's people and the district committee's secretaries verify a figure — never one they
recorded themselves. City staff and the owning department set targets; a district's committee
officers and its director set the targets of the district's own programmes, which its committee
officers create. Everyone, signed in or not, reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from ruam.bodies.models import Body, Role
from ruam.bodies.predicates import (
    is_city_staff,
    is_committee_officer,
    is_district_director,
    is_district_official,
    seats,
)

SECRETARIES = {Role.SECRETARY, Role.ASSISTANT_SECRETARY}


@dataclass(frozen=True)
class Place:
    """A programme in one district (``district_id`` None: city-wide)."""

    programme: Any
    district_id: str | None


def _programme(target: Any) -> Any:
    if isinstance(target, Place):
        return target.programme
    return getattr(target, "programme", target)


@rules.predicate
def is_in_owner_department(user: Any, target: Any) -> bool:
    programme = _programme(target)
    owner = getattr(programme, "owner_id", None)
    return owner is not None and any(seat.body == owner for seat in seats(user))


@rules.predicate
def is_district_staff(user: Any, target: Any) -> bool:
    """An official of the district's office or divisions, or of a partner working there."""
    district = getattr(target, "district_id", None)
    if district is None:
        return False
    return is_district_official(user, district) or any(
        seat.kind == Body.Kind.PARTNER and seat.district == district for seat in seats(user)
    )


@rules.predicate
def is_key_for_place(key: Any, target: Any) -> bool:
    """A program's API key that acts for a body of the district, or for the owner."""
    body = getattr(key, "body", None)
    if getattr(key, "key_hash", None) is None or body is None:
        return False
    district = getattr(target, "district_id", None)
    return (district is not None and body.district_id == district) or (
        body.pk == getattr(_programme(target), "owner_id", None)
    )


@rules.predicate
def is_districts_secretary(user: Any, target: Any) -> bool:
    district = getattr(target, "district_id", None)
    return district is not None and any(
        seat.kind == Body.Kind.COMMITTEE and seat.district == district and seat.role in SECRETARIES
        for seat in seats(user)
    )


@rules.predicate
def recorded_it(user: Any, measurement: Any) -> bool:
    return getattr(user, "pk", None) is not None and measurement.recorded_by_id == user.pk


@rules.predicate
def is_districts_own(user: Any, target: Any) -> bool:
    programme = _programme(target)
    return getattr(programme, "district_id", None) is not None


@rules.predicate
def runs_districts_own(user: Any, target: Any) -> bool:
    """Committee officer or director of the district whose own programme it is."""
    district = getattr(_programme(target), "district_id", None)
    return district is not None and (
        is_committee_officer(user, district) or is_district_director(user, district)
    )


# Target: a Place. A measurement's correction is recorded under the same rule.
rules.add_perm(
    "programmes.record_measurement",
    is_district_staff | is_in_owner_department | is_key_for_place,
)
# Target: a Measurement.
rules.add_perm(
    "programmes.verify_measurement",
    (is_in_owner_department | is_districts_secretary) & ~recorded_it,
)
# Target: a Place (the district's targets) or a Programme.
rules.add_perm(
    "programmes.manage_targets",
    (~is_districts_own & (is_city_staff | is_in_owner_department)) | runs_districts_own,
)
# Target: a District (its own programmes, in the sixth area).
rules.add_perm("programmes.add_programme", is_committee_officer)
