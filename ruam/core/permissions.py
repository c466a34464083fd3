"""Asking the permissions the apps name in their ``rules.py`` (django-rules).

Services call ``require`` before they change anything; views call ``allowed`` only to answer
403 before rendering or to decide what to offer. The actor may be a person (signed in or not),
a program's API key, or nobody.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from ruam.core.errors import FORBIDDEN, Bilingual, NotAllowed


def allowed(actor: Any, permission: str, target: Any = None) -> bool:
    """Whether the actor holds the permission for the target. Ruam's permissions come from
    seats in bodies only: a superuser configures Ruam in the admin but acts in a district
    through a seat like anyone else."""
    return rules.has_perm(permission, actor if actor is not None else AnonymousUser(), target)


def require(actor: Any, permission: str, target: Any = None, message: Bilingual = FORBIDDEN):
    """Refuse (``NotAllowed``, a 403) unless the actor holds the permission for the target."""
    if not allowed(actor, permission, target):
        raise NotAllowed(message)
