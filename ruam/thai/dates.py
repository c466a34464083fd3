"""Dates as Thai readers expect them: Buddhist Era, Thai day and month names.

Long:  "วันพุธที่ 19 มิถุนายน พ.ศ. 2567"   Short: "19 มิ.ย. 67"
English keeps the Gregorian calendar: "Wednesday 19 June 2024" and "19 Jun 2024".
"""

from __future__ import annotations

import datetime as dt
import re

BE_OFFSET = 543

DAYS_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_TH_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def buddhist_year(value: dt.date) -> int:
    return value.year + BE_OFFSET


def thai_digits(text: str) -> str:
    """Arabic digits to Thai digits (เลขไทย), as some official documents prefer."""
    return str(text).translate(_THAI_DIGITS)


_MARKUP_OR_DIGIT = re.compile(r"<[^>]*>|&#?\w+;|[0-9]+")


def to_thai_numerals(html: str) -> str:
    """Arabic digits to Thai ones in the text of an HTML document's body, never inside tags,
    entities or the style sheet."""
    start = html.find("<body")
    if start < 0:
        return html

    def swap(match: re.Match) -> str:
        text = match.group(0)
        return thai_digits(text) if text[0].isdigit() else text

    return html[:start] + _MARKUP_OR_DIGIT.sub(swap, html[start:])


def format_long(value: dt.date, lang: str = "th") -> str:
    if lang.startswith("th"):
        return (
            f"วัน{DAYS_TH[value.weekday()]}ที่ {value.day} {MONTHS_TH[value.month - 1]} "
            f"พ.ศ. {buddhist_year(value)}"
        )
    return f"{DAYS_EN[value.weekday()]} {value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def format_medium(value: dt.date, lang: str = "th") -> str:
    """Without the weekday: "19 มิถุนายน 2567" / "19 June 2024"."""
    if lang.startswith("th"):
        return f"{value.day} {MONTHS_TH[value.month - 1]} {buddhist_year(value)}"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def format_short(value: dt.date, lang: str = "th") -> str:
    if lang.startswith("th"):
        return f"{value.day} {MONTHS_TH_SHORT[value.month - 1]} {buddhist_year(value) % 100:02d}"
    return f"{value.day} {MONTHS_EN[value.month - 1][:3]} {value.year}"


def format_time(value: dt.datetime | dt.time, lang: str = "th") -> str:
    """Thai officialese writes "09.30 น."; English "09:30"."""
    if lang.startswith("th"):
        return f"{value.hour:02d}.{value.minute:02d} น."
    return f"{value.hour:02d}:{value.minute:02d}"
