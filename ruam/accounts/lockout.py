"""Stopping password guessing on every sign-in path, without locking out colleagues.

Failed sign-ins are counted three ways (``core.ratelimit``, in the database, shared by every
worker), each with its own limit and window (``RUAM_RATELIMITS``):

* an account from one address (5 in 15 minutes): that account is refused from that address,
  while the people who share the address (an office behind one NAT) sign in as usual;
* an account from anywhere (20 in an hour): guessing spread over many addresses stops;
* an address over all accounts (100 in an hour): one address trying many accounts stops; the
  limit is far above what an office's own typing errors reach.

``LockoutBackend`` is Django's ``ModelBackend`` that first looks at the counts, so every
``authenticate()`` — the sign-in page, the admin's, any other — is refused while a count is at
its limit, even with the right password. The forms say why, in Thai and English.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from ruam.core.errors import Bilingual
from ruam.core.ratelimit import client_address, reached, record

TOO_MANY_SIGNINS = Bilingual(
    "ลงชื่อเข้าใช้ผิดหลายครั้งเกินไป โปรดรอสักครู่แล้วลองใหม่",
    "Too many failed sign-ins: please wait a while and try again.",
)


def _counts(request: HttpRequest, username: str) -> list[tuple[str, str]]:
    account = (username or "").strip().casefold()[:150]
    address = client_address(request)
    return [
        ("signin_account_address", f"{account}|{address}"),
        ("signin_account", account),
        ("signin_address", address),
    ]


def locked(request: HttpRequest | None, username: str) -> bool:
    if request is None:
        return False
    return any(reached(scope, ident) for scope, ident in _counts(request, username))


class LockoutBackend(ModelBackend):
    """Django's username-and-password sign-in, refused before any password is checked while
    the sign-in's counts are at their limit."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if locked(request, username or kwargs.get("email", "")):
            raise PermissionDenied(TOO_MANY_SIGNINS.en)
        return super().authenticate(request, username=username, password=password, **kwargs)


def record_failure(request: HttpRequest, username: str) -> None:
    """One more failed attempt (a password, or a second-factor code) for these counts."""
    if locked(request, username):
        return  # refused while locked: not a new guess
    for scope, ident in _counts(request, username):
        record(scope, ident)


@receiver(user_login_failed, dispatch_uid="ruam-lockout")
def count_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is not None:
        record_failure(request, credentials.get("username", ""))
