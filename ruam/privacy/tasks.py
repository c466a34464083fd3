"""The retention of contact details, run by the worker (``ruam apply-retention --enqueue``)."""

from __future__ import annotations

from django_tasks import task

from ruam.privacy.services import erase_expired_contacts


@task()
def apply_retention() -> int:
    return erase_expired_contacts()
