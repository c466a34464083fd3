"""The Content-Security-Policy every page is sent with (django-csp), and the map's tile origin.

No inline script or style runs unless it carries the request's nonce; templates use classes in
``site.css``, static scripts and ``data-`` attributes instead of ``style="…"`` and ``onclick=``
(``tests/core/test_csp.py`` reads every template to keep it so). Map tiles are the one thing a
page loads from elsewhere: the origin of ``RUAM_MAP_TILE_URL`` is added to ``img-src`` on each
response, so a setting changed at run time (or in a test) is followed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def tile_origin(url: str) -> str | None:
    """The origin a tile URL template loads from, as CSP writes it ("https://*.tile.example"
    for "{s}" sub-domains); None for no tiles, a relative URL or anything unreadable."""
    if not url:
        return None
    try:
        parts = urlsplit(url.replace("{s}", "SUBDOMAIN"))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.replace("subdomain", "*")
    if any(c in host for c in "{}'; "):
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the configured tile server's origin allowed for images."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin(getattr(settings, "RUAM_MAP_TILE_URL", ""))
        if origin and not report_only:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            parts.update = update
        return parts
