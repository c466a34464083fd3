"""API keys: created and revoked here, by the admin and by ``ruam apikey``."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from ruam.accounts.models import ApiKey
from ruam.core.refcache import ttl_cache


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    *, name: str, body=None, client_collects_consent: bool = False
) -> tuple[ApiKey, str]:
    """A new active key; the plain key is returned once and never stored.
    ``client_collects_consent``: the owner attests that its program asks residents for consent
    before sending their contact details (Open311 clients have no field for it)."""
    key = "ruam_" + secrets.token_urlsafe(30)
    api_key = ApiKey(
        name=name,
        prefix=key[5:13],
        key_hash=_hash(key),
        body=body,
        client_collects_consent=client_collects_consent,
    )
    api_key.full_clean()
    api_key.save()
    return api_key, key


def revoke_api_key(*, name: str) -> ApiKey:
    api_key = ApiKey.objects.get(name=name)
    api_key.is_active = False
    api_key.revoked = timezone.now()
    api_key.save(update_fields=["is_active", "revoked"])
    return api_key


@ttl_cache(5)
def _active_key(key_hash: str) -> ApiKey | None:
    # Cached briefly: a revoked key stops working in this process at once (the save clears the
    # cache) and in other workers within five seconds.
    return ApiKey.objects.select_related("body").filter(key_hash=key_hash, is_active=True).first()


def api_key_from(key: str | None) -> ApiKey | None:
    """The active key matching a presented key, else None (looked up by its hash)."""
    if not key:
        return None
    found = _active_key(_hash(key.strip()))
    if found is not None:
        # At most one write a minute per key, not one per request.
        now = timezone.now()
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiKey.objects.filter(pk=found.pk).update(last_used=now)
            found.last_used = now
    return found
