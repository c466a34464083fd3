"""Who sees a district's working figures (hotspots, dashboards)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from ruam.bodies.models import Body
from ruam.bodies.predicates import (
    is_city_staff,
    is_committee_member,
    is_district_official,
    is_group_staff,
    seats,
)

# The district's committee and officials, its district-group committee, the city's staff.
rules.add_perm(
    "insights.view_hotspots",
    is_committee_member | is_district_official | is_group_staff | is_city_staff,
)


@dataclass(frozen=True)
class Scope:
    """What a dashboard is about: one district, one district group, or the whole city."""

    district_id: str | None = None
    group_id: str | None = None


@rules.predicate
def sits_in_the_group(user: Any, scope: Scope) -> bool:
    """For a group's dashboard: a seat on that group's committee."""
    return (
        scope.district_id is None
        and scope.group_id is not None
        and any(
            seat.kind == Body.Kind.GROUP_MEETING and seat.group == scope.group_id
            for seat in seats(user)
        )
    )


@rules.predicate
def is_about_a_district(user: Any, scope: Scope) -> bool:
    return scope.district_id is not None


# A district's dashboard: as its hotspots. A group's: its committee and the city's staff. The
# whole city: the city's staff.
rules.add_perm(
    "insights.view_dashboard",
    (
        is_about_a_district
        & (is_committee_member | is_district_official | is_group_staff | is_city_staff)
    )
    | sits_in_the_group
    | is_city_staff,
)
