"""Reading bodies and the people who sit in them."""

from __future__ import annotations

from collections.abc import Iterable

from ruam.bodies.models import Membership
from ruam.core.notify import Recipient


def members_of(body_ids: Iterable[int], roles: Iterable[str] | None = None) -> list[Recipient]:
    """The people who currently sit in these bodies (in these roles), once each, as the
    notification channels reach them."""
    body_ids = list(body_ids)
    people = Membership.objects.current().filter(body_id__in=body_ids)
    if len(body_ids) == 1:
        # The order the default one gives within one body, without the join to the body that
        # ordering by the body needs (the notices of each new report read this).
        people = people.order_by("start")
    if roles:
        people = people.filter(role__in=list(roles))
    rows = people.values_list("person__display_name", "person__email", "person__phone").distinct()
    return [Recipient(name, email, phone) for name, email, phone in rows if email or phone]
