"""Photos kept across a refused submission of the report form.

A browser cannot put files back into a file field, so when the form comes back with an error
the photos already chosen would be lost. Instead they are checked, stripped of their metadata
(``photos.process_photo``) and kept in storage under a random name; the form carries a signed
token per photo, bound to the form's submission id, and sends them again with the report. A
token from another form, or altered, is ignored. The copies go once the report is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ruam.reports.photos import PhotoError, process_photo

SALT = "ruam.reports.held-photo"
FOLDER = "held"


@dataclass(frozen=True)
class HeldPhoto:
    token: str
    number: int


def keep(photos: list[bytes], *, submission: str, start: int = 1) -> list[HeldPhoto]:
    """Keep the photos that are photos (the form shows what is wrong with the others)."""
    kept = []
    for data in photos:
        try:
            clean = process_photo(data)
            name = default_storage.save(
                f"{FOLDER}/{uuid.uuid4().hex}.jpg", ContentFile(clean.large)
            )
        except PhotoError:
            continue
        except OSError:
            break  # storage full or failing: the form says so; nothing more is kept
        token = signing.dumps([submission, name], salt=SALT, compress=True)
        kept.append(HeldPhoto(token, start + len(kept)))
    return kept


def _name(token: str, submission: str) -> str | None:
    try:
        owner, name = signing.loads(token, salt=SALT, max_age=24 * 3600)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if owner != submission or not str(name).startswith(f"{FOLDER}/") or ".." in str(name):
        return None
    return name


def read(tokens: list[str], *, submission: str) -> list[tuple[str, bytes]]:
    """The kept photos these tokens name, as (token, bytes), in order; unknown ones skipped."""
    found = []
    for token in tokens:
        name = _name(token, submission)
        if name and default_storage.exists(name):
            with default_storage.open(name, "rb") as f:
                found.append((token, f.read()))
    return found


def release(tokens: list[str], *, submission: str) -> None:
    for token in tokens:
        name = _name(token, submission)
        if name:
            default_storage.delete(name)
