"""Contact details out of free text before it is published.

Residents sometimes write a telephone number, an e-mail address or a LINE id into the text of a
report. Those are personal data (PDPA): published text — a report's public page and lists, the
API, Open311, open data and exports — has them replaced by a marker; the officials handling
the report see the text as written. Pure Python; ``tests/thai/test_redact.py`` holds the cases.
"""

from __future__ import annotations

import re

MARK = "[ข้อมูลติดต่อถูกลบ]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "line: somchai", "ไลน์ @somchai", "ID line somchai_99", "LINE ID : abc.def"
LINE_ID_PATTERN = (
    r"(?:\bline\s*id\s*[:：=]?\s*@?[\w.\-]{3,}"
    r"|\bline\s*[:：=]\s*@?[\w.\-]{3,}"
    r"|\bline\s+@[\w.\-]{3,}"
    r"|(?:ไอดีไลน์|ไลน์)\s*(?:id|ไอดี)?\s*[:：=]?\s*@?[A-Za-z0-9_.\-]{3,})"
)
LINE_ID = re.compile(LINE_ID_PATTERN, re.IGNORECASE)
AT_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_.\-]{3,}")
# Nine or more digits with the usual separators (Thai mobile and fixed numbers, +66), Thai
# digits too.
PHONE = re.compile(r"(?<![\d๐-๙])(?:\+?66[\s-]?|[0๐])[\d๐-๙](?:[\s\-.()]?[\d๐-๙]){7,10}(?![\d๐-๙])")


# One pass over the text instead of four (a million reports go through this for open data).
ANY = re.compile(
    f"(?:{EMAIL.pattern})|(?i:{LINE_ID_PATTERN})|(?:{AT_HANDLE.pattern})|(?:{PHONE.pattern})"
)
# What every pattern needs somewhere: an "@", nine digits in a row (with separators), or
# "line"/"ไลน์". Most texts have none, and are returned after this one quick search.
HINT = re.compile(r"@|[0-9๐-๙](?:[\s\-.()]?[0-9๐-๙]){8}|(?i:line)|ไลน์")


def redact(text: str) -> str:
    """``text`` with contact details replaced by ``MARK``."""
    if not text or not HINT.search(text):
        return text
    return ANY.sub(MARK, text)
