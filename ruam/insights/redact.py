"""Contact details out of free text before it is published (open data, exports).

Residents sometimes write a telephone number, an e-mail address or a LINE id into the text of a
report. Those are personal data (PDPA): published text has them replaced by a marker. Pure
Python; ``tests/insights/test_redact.py`` holds the cases.
"""

from __future__ import annotations

import re

MARK = "[ข้อมูลติดต่อถูกลบ]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "line: somchai", "ไลน์ @somchai", "ID line somchai_99", "LINE ID : abc.def"
LINE_ID = re.compile(
    r"(?i)(?:\bline\s*id\s*[:：=]?\s*@?[\w.\-]{3,}"
    r"|\bline\s*[:：=]\s*@?[\w.\-]{3,}"
    r"|\bline\s+@[\w.\-]{3,}"
    r"|(?:ไอดีไลน์|ไลน์)\s*(?:id|ไอดี)?\s*[:：=]?\s*@?[A-Za-z0-9_.\-]{3,})"
)
AT_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_.\-]{3,}")
# Nine or more digits with the usual separators (Thai mobile and fixed numbers, +66), Thai
# digits too.
PHONE = re.compile(r"(?<![\d๐-๙])(?:\+?66[\s-]?|[0๐])[\d๐-๙](?:[\s\-.()]?[\d๐-๙]){7,10}(?![\d๐-๙])")


def redact(text: str) -> str:
    if not text:
        return text
    text = EMAIL.sub(MARK, text)
    text = LINE_ID.sub(MARK, text)
    text = AT_HANDLE.sub(MARK, text)
    return PHONE.sub(MARK, text)
