"""How pages say no: one place that turns the services' refusals into what a person sees."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import get_language

from ruam.core.errors import Bilingual, InvalidInput, NotAllowed


def in_language(message: Bilingual) -> str:
    """An error for a person, in the language they chose (the API keeps both: ``as_dict``)."""
    return message.en if (get_language() or "th").startswith("en") else message.th


# The older name, still used by some views: it, too, shows the active language only.
both = in_language


def add_errors(form, exc: InvalidInput, aliases: dict[str, str] | None = None) -> None:
    """A service's field errors onto a form; fields the form lacks go to the form as a whole."""
    for field, message in exc.errors.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, in_language(message))


def attempt(request: HttpRequest, action: Callable[[], object]) -> bool:
    """Run a service call for a page: not allowed → 403; invalid → messages, and False."""
    try:
        action()
        return True
    except NotAllowed as exc:
        raise PermissionDenied(in_language(exc.message)) from None
    except InvalidInput as exc:
        for message in exc.errors.values():
            messages.error(request, in_language(message))
        return False


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(value: object, *, minimum: int = 0, maximum: int = 10**18) -> int | None:
    """A whole number a person or a page sent ("12", "๑๒"), or None if it is not one or is out
    of bounds. ``str.isdigit`` is not enough: it takes "³", which ``int`` refuses, and numbers
    too long for the database's integers."""
    text = str(value if value is not None else "").strip().translate(_THAI_DIGITS)
    if not _WHOLE.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


DATABASE_DOWN = Bilingual(
    "ระบบขัดข้องชั่วคราว ยังไม่ได้บันทึกสิ่งที่ส่งมา โปรดลองอีกครั้งในอีกสักครู่",
    "Ruam is briefly unavailable and nothing you sent was saved: please try again in a moment.",
)


def request_language(request: HttpRequest) -> str:
    """The language of the request's pages: the one LocaleMiddleware chose, or, when a failure
    came before it, the one it would choose (cookie, then Accept-Language; no database)."""
    from django.utils import translation

    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def short_page(request: HttpRequest, messages_: list[Bilingual], *, status: int):
    """A bare page of ``messages_`` in the request's language, for answers that must not touch
    the database (it went away, or the request is refused before reaching it)."""
    from django.http import HttpResponse
    from django.utils import translation
    from django.utils.html import format_html, format_html_join

    with translation.override(request_language(request)):
        return HttpResponse(
            format_html(
                '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>{}</title></head><body>{}</body></html>",
                translation.get_language(),
                status,
                format_html_join("", "<p>{}</p>", ((in_language(m),) for m in messages_)),
            ),
            status=status,
        )


MACHINE_PATHS = ("/api/", "/open311/", "/integrations/")


def refusal(request: HttpRequest, message: Bilingual, *, status: int, retry_after: int):
    """A request refused for now (database gone, too many writes): JSON with both languages for
    programs, a bare page in the visitor's language for people; a retry hint either way."""
    from django.http import JsonResponse

    if request.path.startswith(MACHINE_PATHS):
        response = JsonResponse(
            message.as_dict(), status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = short_page(request, [message], status=status)
    response["Retry-After"] = str(retry_after)
    return response


def database_unavailable(request: HttpRequest):
    """The 503 for a request the database could not serve (restarted, failed over)."""
    return refusal(request, DATABASE_DOWN, status=503, retry_after=10)


def _database_went_away(exception: BaseException | None) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exception, OperationalError | InterfaceError)


class DatabaseUnavailableMiddleware:
    """The database went away in a view: a clean 503 with a retry hint, in Thai and English,
    instead of a 500. The request's transaction was rolled back, so nothing it sent is half
    written and trying again is safe. (Failures before the view: ``server_error``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        return database_unavailable(request) if _database_went_away(exception) else None


def server_error(request: HttpRequest):
    """Django's 500 handler, but a 503 with a retry hint when the database went away in a
    middleware (signing in, sessions) rather than in a view."""
    import sys

    from django.views.defaults import server_error as plain

    if _database_went_away(sys.exc_info()[1]):
        return database_unavailable(request)
    from django.utils import translation

    with translation.override(request_language(request)):
        return plain(request)
