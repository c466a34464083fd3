"""A resident's update sent by an Open311 client (mySociety's ``POST servicerequestupdates``).

FixMyStreet and open311-adapter send what the reporter said afterwards ("still not fixed",
"fixed now, thanks") to the server that holds the report. Ruam does with it what the web does
with the reporter's own action: a report that is closed and said to be open again is reopened;
one said to be fixed, while the district has marked it finished, is confirmed; anything else is
kept on the report's timeline as a note. Only the program that sent the report may speak for
its reporter (``reports.post_update``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.permissions import require
from ruam.integrations.open311 import messages as M
from ruam.reports.models import IdempotencyKey, Report, ReportEvent
from ruam.reports.services import LIFECYCLE, confirm_fix, reopen
from ruam.reports.statuses import Status, allowed_for_reporter
from ruam.reports.validation import MAX_DESCRIPTION

# FixMyStreet's statuses that say the problem is solved; any other status says it is not.
FIXED = {"CLOSED", "FIXED", "FIXED - COUNCIL", "FIXED - USER", "RESOLVED"}


@dataclass
class Posted:
    event: ReportEvent
    created: bool


def post_update(
    *, key, report: Report, description: str, status: str = "", update_id_ext: str = ""
) -> Posted:
    """Reopen, confirm or annotate ``report`` for its reporter; the same ``update_id_ext``
    from the same key again returns the first update (a client's retry)."""
    require(key, "reports.post_update", report, M.UPDATE_NOT_YOURS)
    description = (description or "").strip()
    errors: dict[str, Bilingual] = {}
    if not description:
        errors["description"] = M.UPDATE_TEXT_REQUIRED
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = M.UPDATE_TEXT_TOO_LONG
    if errors:
        raise InvalidInput(errors)
    scope = f"open311-update:{key.pk}"
    ext = update_id_ext.strip()[:200]
    if ext and (seen := _seen(scope, ext, report)) is not None:
        return Posted(seen, created=False)

    fixed = status.strip().upper() in FIXED
    note = f"{description}\n(ผู้แจ้งส่งผ่าน {key.name} / from the reporter, via {key.name})"
    moves = allowed_for_reporter(report.status)
    with transaction.atomic():
        if not fixed and Status.REOPENED in moves:
            event = reopen(report, reason=note, api_key=key)
        elif fixed and Status.CONFIRMED in moves:
            event = confirm_fix(report, api_key=key)
            LIFECYCLE.record(report, kind=ReportEvent.Kind.NOTE, note=note)
        else:
            event = LIFECYCLE.record(report, kind=ReportEvent.Kind.NOTE, note=note)
        if ext:
            IdempotencyKey.objects.create(
                scope=scope, key=ext, report=report, created=event.created
            )
    return Posted(event, created=True)


def _seen(scope: str, ext: str, report: Report) -> ReportEvent | None:
    """The update an earlier POST with this update_id_ext made (written at the same moment)."""
    earlier = IdempotencyKey.objects.filter(scope=scope, key=ext).first()
    if earlier is None:
        return None
    return (
        ReportEvent.objects.filter(report_id=earlier.report_id, created__gte=earlier.created)
        .order_by("created", "pk")
        .first()
    )
