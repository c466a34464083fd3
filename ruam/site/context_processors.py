"""What every page's header offers, by the same rules the pages themselves check."""

from __future__ import annotations

from django.http import HttpRequest

from ruam.core.permissions import allowed


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"can_view_inbox": allowed(user, "reports.view_inbox")}
