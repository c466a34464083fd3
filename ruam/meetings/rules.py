"""Who may run a body's meetings and report on the actions they assign.

A body's chair, vice chair and secretaries manage its meetings; a committee's officers also
manage those of its working groups. The people of the body an action is assigned to (or of
its district office), and the district's officials, report progress. A meeting's agenda takes
only the issues before that body, and its actions go only to bodies of its district (or
group) and to central departments. Minutes are a draft, seen only by those who manage the
meetings, until the meeting is recorded as held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from ruam.bodies.models import Body
from ruam.bodies.predicates import is_district_official, is_officer_of, seats


@dataclass(frozen=True)
class Tabled:
    """Something a meeting would take up: an issue on its agenda, or a body it assigns an
    action to."""

    meeting: Any
    thing: Any


@rules.predicate
def is_meeting_officer(user: Any, body: Any) -> bool:
    """Officer of the body, or of the committee a working group belongs to."""
    if body is None:
        return False
    return is_officer_of(user, body) or (
        body.parent_id is not None and is_officer_of(user, body.parent)
    )


@rules.predicate
def sits_with_action_owner(user: Any, action: Any) -> bool:
    owner = action.owner
    return any(seat.body in {owner.pk, owner.parent_id} for seat in seats(user))


@rules.predicate
def is_owners_district_official(user: Any, action: Any) -> bool:
    return bool(action.owner.district_id) and is_district_official(user, action.owner.district_id)


@rules.predicate
def officer_of_tabling_body(user: Any, tabled: Tabled) -> bool:
    return is_meeting_officer(user, tabled.meeting.body)


@rules.predicate
def issue_is_before_the_body(user: Any, tabled: Tabled) -> bool:
    """The issue belongs to the meeting's body (or, for a working group, to its committee),
    or was escalated to it."""
    body, issue = tabled.meeting.body, tabled.thing
    return issue.body_id in {body.pk, body.parent_id} or issue.escalated_to_id == body.pk


@rules.predicate
def owner_is_within_reach(user: Any, tabled: Tabled) -> bool:
    """An action goes to a body of the meeting's district (its office, a division, a working
    group of its committee, a partner working there), to a district office of its group (for a
    district-group committee), to a central department, or to a city-wide partner."""
    body, owner = tabled.meeting.body, tabled.thing
    if owner.kind == Body.Kind.DEPARTMENT:
        return True
    if owner.kind == Body.Kind.PARTNER and owner.district_id is None:
        return True
    district = body.district_id or (body.parent.district_id if body.parent_id else None)
    if district:
        if owner.kind == Body.Kind.WORKING_GROUP:
            return owner.district_id == district or (
                owner.parent_id is not None and owner.parent.district_id == district
            )
        return owner.district_id == district and owner.kind in {
            Body.Kind.DISTRICT_OFFICE,
            Body.Kind.DIVISION,
            Body.Kind.PARTNER,
        }
    return (
        body.kind == Body.Kind.GROUP_MEETING
        and owner.kind == Body.Kind.DISTRICT_OFFICE
        and owner.district is not None
        and owner.district.group_id == body.group_id
    )


@rules.predicate
def is_held(user: Any, meeting: Any) -> bool:
    return meeting.status == "held"


@rules.predicate
def manages_meetings_of(user: Any, meeting: Any) -> bool:
    return is_meeting_officer(user, meeting.body)


# Schedule, invite, agenda, attendance, minutes, resolutions, hold (target: the body).
rules.add_perm("meetings.manage_meetings", is_meeting_officer)
rules.add_perm("meetings.table_issue", officer_of_tabling_body & issue_is_before_the_body)
rules.add_perm("meetings.assign_action", officer_of_tabling_body & owner_is_within_reach)
rules.add_perm("meetings.update_action", sits_with_action_owner | is_owners_district_official)
rules.add_perm("meetings.view_minutes", is_held | manages_meetings_of)
