"""Who sees a district's working figures (hotspots, and the detail behind the public ones)."""

from __future__ import annotations

import rules

from ruam.bodies.predicates import (
    is_city_staff,
    is_committee_member,
    is_district_official,
    is_group_staff,
)

# The district's committee and officials, its district-group committee, the city's staff.
rules.add_perm(
    "insights.view_hotspots",
    is_committee_member | is_district_official | is_group_staff | is_city_staff,
)
