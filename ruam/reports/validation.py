"""Checking a submission before anything is written: the place, the categories, the photos and
the contact details. Each check adds its field's error, in Thai and English, to ``errors``;
the services write nothing while there is any."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ruam.core.errors import Bilingual
from ruam.framework import lookups
from ruam.framework.models import Category
from ruam.geo.locate import locate
from ruam.geo.models import District, Subdistrict
from ruam.reports import messages as M
from ruam.reports.photos import PhotoError, ProcessedPhoto, process_photo

MAX_DESCRIPTION = 4000
MAX_PHOTOS = 5
CONSENT_VERSION = "2026-11"
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


@dataclass(frozen=True)
class Place:
    lat: float | None
    lon: float | None
    district: District
    subdistrict: Subdistrict | None


def place(
    errors: dict[str, Bilingual],
    lat: float | str | None,
    lon: float | str | None,
    district_code: str | None,
    address: str,
) -> Place | None:
    have_coords = lat not in (None, "") or lon not in (None, "")
    if have_coords:
        try:
            lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors["lat"] = M.COORDINATES_INVALID
            return None
        if not (math.isfinite(lat_f) and math.isfinite(lon_f)) or not (
            -90 <= lat_f <= 90 and -180 <= lon_f <= 180
        ):
            errors["lat"] = M.COORDINATES_INVALID
            return None
        found = locate(lat_f, lon_f)
        if not found.in_bangkok:
            errors["lat"] = M.OUTSIDE_BANGKOK
            return None
        district = lookups.district(found.district_code)
        sub = lookups.subdistrict(found.subdistrict_code) if found.subdistrict_code else None
        return Place(lat_f, lon_f, district, sub)
    if district_code:
        district = lookups.district(str(district_code))
        if district is None:
            errors["district"] = M.DISTRICT_UNKNOWN
            return None
        if not address.strip():
            errors["address"] = M.ADDRESS_REQUIRED
            return None
        return Place(None, None, district, None)
    errors["location"] = M.LOCATION_REQUIRED
    return None


def categories(errors: dict[str, Bilingual], given: Iterable[str | int]) -> list[Category]:
    found: list[Category] = []
    for item in given:
        if item in (None, ""):
            continue
        category = lookups.category(str(item).strip())
        if category is None:
            errors["categories"] = M.CATEGORY_UNKNOWN
            return []
        if category not in found:
            found.append(category)
    return found


def photos(errors: dict[str, Bilingual], photos: Sequence[bytes]) -> list[ProcessedPhoto]:
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = M.TOO_MANY_PHOTOS
        return []
    processed = []
    for data in photos:
        try:
            processed.append(process_photo(data))
        except PhotoError as exc:
            errors["photos"] = Bilingual(exc.message_th, exc.message_en)
            return []
    return processed


def contact(errors: dict[str, Bilingual], name: str, email: str, phone: str, consent: bool) -> None:
    if len(name) > 150:
        errors["contact_name"] = M.NAME_TOO_LONG
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = M.EMAIL_INVALID
    if phone and not PHONE.match(phone):
        errors["contact_phone"] = M.PHONE_INVALID
    if (name or email or phone) and not consent:
        errors["consent"] = M.CONSENT_REQUIRED
