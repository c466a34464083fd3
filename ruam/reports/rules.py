"""Who may act on a report.

Officials of the report's district, members of the body now responsible for it (a central
department after a forward) and of bodies invited to help may move it; the reporter — signed in,
or holding the private link — may confirm, reopen and rate.
"""

from __future__ import annotations

from typing import Any

import rules

from ruam.bodies.models import Body
from ruam.bodies.predicates import is_district_official, seats


@rules.predicate
def sits_in_responsible_body(user: Any, report: Any) -> bool:
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


rules.add_perm("ruam.handle_report", is_district_official | sits_in_responsible_body)


def can_handle(user: Any, report: Any, api_key: Any = None) -> bool:
    if api_key is not None:
        body = api_key.body
        return body is not None and (
            body.pk == report.responsible_id
            or (body.district_id is not None and body.district_id == report.district_id)
        )
    return user is not None and user.has_perm("ruam.handle_report", report)


def acting_body(user: Any, report: Any) -> Body | None:
    """The body on whose behalf a person acts on this report, for the timeline."""
    mine = {seat.body for seat in seats(user)}
    if report.responsible_id in mine:
        return report.responsible
    return Body.objects.filter(pk__in=mine, district_id=report.district_id).order_by("kind").first()


def is_reporter(user: Any, report: Any, key: str | None = None) -> bool:
    if getattr(user, "is_authenticated", False) and report.reporter_id == user.pk:
        return True
    return report.reporter_key_matches(key)
