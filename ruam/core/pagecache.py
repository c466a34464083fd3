"""A few seconds' shared copy of public pages and public API reads, for visitors not signed in.

A district's page costs tens of milliseconds of CPU to build (its figures, programmes and
issues); at a busy hour the same page is asked for many times a second. For
``RUAM_PAGE_CACHE_SECONDS`` (0 turns it off) the first answer to an anonymous GET of a view
named in ``RUAM_PAGE_CACHE_VIEWS`` is kept, and the next anonymous visitors of the same address,
in the same language, get that copy: public pages may be that many seconds behind, as the
replica's may (``core/routers.py``).

Who gets a kept copy, and whose answer is kept, is the same set of requests: a GET with no
cookie but the CSRF and language ones (so no session: nobody signed in, no resident's report
keys, no messages), no API key (header or ``api_key``) or ``Authorization``, no private-link
``key``, not an htmx request, and not from someone who sent a form a moment ago (the
read-after-write cookie, ``routers.STICKY_COOKIE``). A copy is kept only of a 200 answer that
sets no cookie and no session value, allows shared caching, uses no CSP nonce and carries no
spam-guard time stamp.
The CSRF tokens in a kept page are taken out and each visitor's own is put back, so the forms on
it (language, support) work for everyone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from typing import ClassVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.cache import cc_delim_re

from ruam.core.routers import named_view

ALIAS = "pages"
HIT_HEADER = "X-Ruam-Cache"
LARGEST = 512 * 1024  # bigger answers (exports, maps' data) are not kept in memory
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_STAMP = b'name="form_ts"'  # core.antispam's time stamp: a form that must be fresh
_SKIPPED_HEADERS = {"content-length", "set-cookie"}


TIDY_SECONDS = 5.0  # how often a process looks through the copies' folder (FileCache)


def seconds() -> int:
    return max(0, int(getattr(settings, "RUAM_PAGE_CACHE_SECONDS", 0)))


def _eligible(request: HttpRequest) -> bool:
    if request.method != "GET" or seconds() == 0:
        return False
    # Any other cookie (a session, messages, the read-after-write one) means a copy won't do.
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    if any(name not in allowed for name in request.COOKIES):
        return False
    meta = request.META
    if any(h in meta for h in ("HTTP_X_API_KEY", "HTTP_AUTHORIZATION", "HTTP_HX_REQUEST")):
        return False
    if "key" in request.GET or "api_key" in request.GET:
        return False
    return named_view(request, settings.RUAM_PAGE_CACHE_VIEWS)


def _key(request: HttpRequest) -> str:
    # The absolute address: API answers carry absolute links built from the host and scheme.
    where = f"{getattr(request, 'LANGUAGE_CODE', '')} {request.build_absolute_uri()}"
    return "page:" + hashlib.sha256(where.encode()).hexdigest()


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if control & {"private", "no-store", "no-cache"}:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if getattr(request, "_csp_nonce", None) is not None:
        return False
    return len(response.content) <= LARGEST and _STAMP not in response.content


def _pieces(request: HttpRequest, body: bytes) -> list[bytes]:
    """The body cut where this request's CSRF tokens were: each visitor's goes back in."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return [body]
    pieces, start = [], 0
    for match in _TOKEN.finditer(body):
        if _unmask_cipher_token(match.group().decode()) == secret:
            pieces.append(body[start : match.start()])
            start = match.end()
    pieces.append(body[start:])
    return pieces


class PageCacheMiddleware:
    """Placed after the CSRF, session, locale and authentication middleware: a kept page is
    given its visitor's CSRF token and cookie, and is never given to a signed-in person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not _eligible(request):
            return None
        request._ruam_page_key = key = _key(request)
        kept = caches[ALIAS].get(key)
        if kept is None:
            return None
        pieces, headers, stored = kept
        body = pieces[0]
        if len(pieces) > 1:
            body = get_token(request).encode().join(pieces)
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response[HIT_HEADER] = "hit"
        response["Age"] = str(max(0, int(time.time() - stored)))
        return response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_ruam_page_key", None)
        if key is None or response.get(HIT_HEADER) or not _keepable(request, response):
            return response
        headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
        pieces = _pieces(request, response.content)
        caches[ALIAS].set(key, (pieces, headers, time.time()), seconds())
        response[HIT_HEADER] = "miss"
        return response


class FileCache(FileBasedCache):
    """Django's file cache, for kept pages: one server's processes share the copies as files.

    Django's own counts the folder's files before every write, to stay under MAX_ENTRIES: at
    3,600 copies that took 5 ms, paid by every page not yet kept. Here a process looks through the
    folder at most every ``TIDY_SECONDS``, and first removes the copies older than
    ``RUAM_PAGE_CACHE_SECONDS`` (every page is kept that long, so they are expired): the folder
    holds about the last few seconds' copies. Over MAX_ENTRIES, Django's random cull follows.
    """

    _tidied: ClassVar[dict[str, float]] = {}  # folder → when a process of this server last looked

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._tidied.get(self._dir, -TIDY_SECONDS) < TIDY_SECONDS:
            return
        self._tidied[self._dir] = now
        expired = time.time() - seconds()
        with contextlib.suppress(FileNotFoundError), os.scandir(self._dir) as entries:
            for entry in entries:
                if not entry.name.endswith(self.cache_suffix):
                    continue
                with contextlib.suppress(FileNotFoundError):  # another process removed it
                    if entry.stat().st_mtime < expired:
                        os.remove(entry.path)
        super()._cull()
