"""How pages say no: one place that turns the services' refusals into what a person sees."""

from __future__ import annotations

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
