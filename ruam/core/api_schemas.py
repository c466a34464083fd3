"""Query schemas and field types the API's endpoints share.

Every value a client can send is bounded here, so that it is either answered or refused with a
422 naming the field; none reaches the database to overflow it (a 64-bit OFFSET, a date Python
cannot move to UTC, a NUL that PostgreSQL text cannot hold). The same rules serve Open311, which
refuses in its own format.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ruam.core.errors import Bilingual

BANGKOK = ZoneInfo("Asia/Bangkok")
# Far past the end of any table here, far inside the database's 64-bit integers.
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 500
# Dates a question about Bangkok's reports can mean; outside them Python cannot always move a
# date to UTC (year 1 at +07:00 is year 0 in UTC), and no record is there to find.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
# The offsets real time zones use (Baker Island −12:00 to Line Islands +14:00).
EARLIEST_OFFSET, LATEST_OFFSET = dt.timedelta(hours=-12), dt.timedelta(hours=14)

NULL_CHARACTER = Bilingual("มีอักขระ NUL (0x00) ซึ่งรับไม่ได้", "Null characters (0x00) are not allowed.")
DATE_RANGE = Bilingual(
    f"วันที่ต้องอยู่ระหว่าง {EARLIEST_YEAR}-01-01 ถึง {LATEST_YEAR}-12-31",
    f"The date must be between {EARLIEST_YEAR}-01-01 and {LATEST_YEAR}-12-31.",
)
UTC_OFFSET = Bilingual(
    "เขตเวลาต้องอยู่ระหว่าง -12:00 ถึง +14:00", "The time zone offset must be between -12:00 and +14:00."
)
UNTIL_BEFORE_SINCE = Bilingual("until ต้องไม่ก่อน since", "until must not be before since.")


def refuse(kind: str, message: Bilingual) -> NoReturn:
    """A field's refusal in both languages (the API's error handler reads the Thai back)."""
    raise PydanticCustomError(kind, message.en, {"message_th": message.th})


def moment_problem(moment: dt.datetime) -> Bilingual | None:
    """Why a date-time given as an argument cannot be used, or None (for REST and Open311)."""
    offset = moment.utcoffset()
    if offset is not None and not EARLIEST_OFFSET <= offset <= LATEST_OFFSET:
        return UTC_OFFSET
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return DATE_RANGE
    return None


def _no_null(value: str) -> str:
    if "\x00" in value:
        refuse("null_character", NULL_CHARACTER)
    return value


NOT_ISO = Bilingual(
    "วันที่ต้องอยู่ในรูปแบบ ISO 8601 เช่น 2026-12-01 หรือ 2026-12-01T09:00:00+07:00",
    "A date must be ISO 8601, e.g. 2026-12-01 or 2026-12-01T09:00:00+07:00.",
)
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _iso_only(value: object) -> object:
    """Dates as ISO 8601 text only: a bare number is not read as seconds since 1970."""
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        refuse("datetime_type", NOT_ISO)
    return value


def _bangkok_moment(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=BANGKOK)
    problem = moment_problem(value)
    if problem is not None:
        refuse("date_out_of_range" if problem is DATE_RANGE else "utc_offset_range", problem)
    return value


# Text as the database can store and compare it.
Text = Annotated[str, AfterValidator(_no_null)]
# A short key (a district's code, a category's name): longer than any there is, refused.
Key = Annotated[str, Field(max_length=100), AfterValidator(_no_null)]
# An ISO 8601 date or date-time; without an offset it is Bangkok time.
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_iso_only),
    AfterValidator(_bangkok_moment),
    Field(description="ISO 8601; Bangkok time unless an offset is given (years 1900–2999)"),
]


class Page(Schema):
    district: Key | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Window(Schema):
    """``since`` (inclusive) to ``until`` (exclusive)."""

    since: Moment | None = None
    until: Moment | None = None

    @field_validator("until")
    @classmethod
    def _not_before_since(cls, until: dt.datetime | None, info: ValidationInfo):
        since = info.data.get("since")
        if until is not None and since is not None and until < since:
            refuse("date_order", UNTIL_BEFORE_SINCE)
        return until
