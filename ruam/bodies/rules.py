"""Ruam's permissions, named once and used by every page and API.

Object permissions take the district (or anything that has one) the action is about. The
permission matrix in ``tests/bodies/test_rules.py`` spells out each role × own/other district.
"""

from __future__ import annotations

import rules

from ruam.bodies.predicates import (
    is_city_staff,
    is_committee_member,
    is_committee_officer,
    is_district_director,
    is_district_official,
    is_group_staff,
    is_resident,
)

# Seeing the district's internal workspace: inboxes, committee drafts, dashboards with detail.
rules.add_perm(
    "ruam.view_workspace",
    is_committee_member | is_district_official | is_group_staff | is_city_staff,
)
# Residents propose; members create committee issues in their own district.
rules.add_perm("ruam.propose_issue", is_resident)
rules.add_perm("ruam.create_issue", is_committee_member)
# Agenda, meetings, minutes: the chair, vice chair and secretaries of the committee.
rules.add_perm("ruam.manage_meetings", is_committee_officer)
# Reports routed to the district and the actions assigned to its divisions.
rules.add_perm("ruam.handle_reports", is_district_official)
rules.add_perm("ruam.update_actions", is_district_official)
# Appointing committee members: the city, or the district's director proposing them.
rules.add_perm("ruam.appoint_members", is_city_staff | is_district_director)
# Areas, categories, routing, plan items: city-wide configuration.
rules.add_perm("ruam.configure", is_city_staff)
