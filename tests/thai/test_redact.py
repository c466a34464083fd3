"""Contact details written into free text come out before it is published; ordinary text,
numbers of houses, years and distances stay."""

import pytest

from ruam.thai.redact import MARK, redact


@pytest.mark.parametrize(
    "text",
    [
        "โทร 081-234-5678 ค่ะ",
        "เบอร์ 0812345678",
        "ติดต่อ +66 81 234 5678",
        "๐๘๑๒๓๔๕๖๗๘",
        "สำนักงาน 02-123-4567",
        "อีเมล somchai.k@example.co.th",
        "ไลน์ @somchai99",
        "ไลน์ somchai99",
        "ไอดีไลน์: somchai_99",
        "LINE ID: abc_def",
        "Line: somchai.k",
        "line @somchai",
    ],
)
def test_contact_details_are_replaced(text):
    out = redact(text)
    assert MARK in out
    assert not any(ch.isdigit() for ch in out.replace(MARK, "")) or "ติดต่อ" in out


@pytest.mark.parametrize(
    "text",
    [
        "บ้านเลขที่ 12/345 ซอย 5",
        "ถนนยาว 1200 เมตร เมื่อปี 2566",
        "the power line is down near soi 7",
        "ไฟดับ 3 ต้น ตั้งแต่ 20.00 น.",
        "",
    ],
)
def test_ordinary_text_stays(text):
    assert redact(text) == text
