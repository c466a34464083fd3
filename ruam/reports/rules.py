"""Who may act on a report (the permissions, by name, that services and views check).

Officials of the report's district, members of the body now responsible for it (a central
department after a forward) and of bodies invited to help may move it, and so may a program
with an API key acting for such a body; the reporter — signed in, or holding the private link —
may confirm, reopen and rate; the district's committee may confirm or reopen on residents'
behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from ruam.bodies.models import Body
from ruam.bodies.predicates import (
    handles_reports_somewhere,
    is_committee_member,
    is_district_official,
    seats,
)


@dataclass(frozen=True)
class Presented:
    """A report as someone presents themselves for it: with the private key of the
    reporter's link, if they hold one."""

    report: Any
    key: str | None = None

    @property
    def district_id(self) -> str | None:
        return self.report.district_id


def _report(target: Any) -> Any:
    return target.report if isinstance(target, Presented) else target


@rules.predicate
def sits_in_responsible_body(user: Any, target: Any) -> bool:
    report = _report(target)
    if report is None or not getattr(report, "pk", None):
        return False
    mine = {seat.body for seat in seats(user)}
    if not mine:
        return False
    if report.responsible_id in mine:
        return True
    invited = set(report.invited.values_list("pk", flat=True))
    # Members of a district office may act for any of its divisions.
    parents = set(
        Body.objects.filter(pk__in=invited | {report.responsible_id}).values_list(
            "parent_id", flat=True
        )
    )
    return bool(mine & (invited | parents))


@rules.predicate
def is_key_for_report(key: Any, target: Any) -> bool:
    """A program's API key that acts for the responsible body or an office of the district."""
    report, body = _report(target), getattr(key, "body", None)
    if getattr(key, "key_hash", None) is None or body is None or report is None:
        return False
    return body.pk == report.responsible_id or (
        body.district_id is not None and body.district_id == report.district_id
    )


@rules.predicate
def is_reporter(user: Any, target: Any) -> bool:
    """The person who sent it (signed in), or whoever holds its private link's key."""
    report = _report(target)
    if getattr(user, "is_authenticated", False) and report.reporter_id == getattr(user, "pk", 0):
        return True
    key = target.key if isinstance(target, Presented) else None
    return report.reporter_key_matches(key)


@rules.predicate
def is_sending_key(key: Any, target: Any) -> bool:
    """The program (API key) that sent the report: its client speaks for the reporter."""
    report = _report(target)
    return (
        getattr(key, "key_hash", None) is not None
        and report is not None
        and getattr(report, "api_key_id", None) == key.pk
    )


@rules.predicate
def enters_reports(user: Any, target: Any) -> bool:
    """Records reports for residents (assisted entry): the officials and committee members of
    the target's district; the city's and central departments' staff anywhere (the hotline).
    Without a target: whether the person may do it anywhere, for the form itself."""
    mine = seats(user)
    if any(seat.kind in {Body.Kind.DEPARTMENT, Body.Kind.CITY} for seat in mine):
        return True
    kinds = {Body.Kind.DISTRICT_OFFICE, Body.Kind.DIVISION, Body.Kind.COMMITTEE}
    kinds.add(Body.Kind.WORKING_GROUP)
    district = getattr(target, "code", None) if target is not None else None
    return any(
        seat.kind in kinds and (target is None or seat.district == district) for seat in mine
    )


# Staff moves: accept, coordinate, forward, invite, reject, resolve, close, mark duplicate;
# deciding on a probable duplicate; seeing the reporter's contact details.
rules.add_perm(
    "reports.handle_report",
    is_district_official | sits_in_responsible_body | is_key_for_report,
)
# The reporter's own moves; the district's committee may confirm or reopen for residents.
rules.add_perm("reports.confirm_fix", is_reporter | is_committee_member | is_sending_key)
rules.add_perm("reports.reopen", is_reporter | is_committee_member | is_sending_key)
# A program's update for the reporter of a report it sent (Open311 servicerequestupdates).
rules.add_perm("reports.post_update", is_sending_key)
rules.add_perm("reports.rate", is_reporter)
# Assisted entry (a walk-in, a phone call, a community meeting): for the report's district.
rules.add_perm("reports.enter_report", enters_reports)
# A division's inbox: for people who sit in an office, a division or a central department.
rules.add_perm("reports.view_inbox", handles_reports_somewhere)
