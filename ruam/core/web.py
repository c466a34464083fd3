"""How pages say no: one place that turns the services' refusals into what a person sees."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import get_language

from ruam.core.errors import Bilingual, InvalidInput, NotAllowed


def both(message: Bilingual) -> str:
    """An error for a person: the active language first, the other after it."""
    if (get_language() or "th").startswith("en"):
        return f"{message.en} — {message.th}"
    return f"{message.th} — {message.en}"


def add_errors(form, exc: InvalidInput, aliases: dict[str, str] | None = None) -> None:
    """A service's field errors onto a form; fields the form lacks go to the form as a whole."""
    for field, message in exc.errors.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, both(message))


def attempt(request: HttpRequest, action: Callable[[], object]) -> bool:
    """Run a service call for a page: not allowed → 403; invalid → messages, and False."""
    try:
        action()
        return True
    except NotAllowed as exc:
        raise PermissionDenied(both(exc.message)) from None
    except InvalidInput as exc:
        for message in exc.errors.values():
            messages.error(request, both(message))
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
