"""Long texts segment into real words: nlpo3's "safe" mode breaks texts of 140+ characters into
fragments ("ช่ว", "ย"), which hurt both search and duplicate detection."""

import pytest

from ruam.thai.segment import normalise, words

from ..conftest import need_module


@pytest.fixture(autouse=True, scope="module")
def _segmenter_installed() -> None:
    # A fixture, not module-level calls: pytest.skip outside a test needs allow_module_level.
    need_module("nlpo3", "nlpo3 is not installed")
    need_module("pythainlp", "pythainlp is not installed")


LONG = (
    "โครงการระบบระบายน้ำ สุขุมวิท 23 หยุดก่อสร้างตั้งแต่ปี 2561 หรือก่อนหน้านั้นค่ะ "
    "รับเหมาเปลี่ยนหลายชุดเข้ามาเอารถตักเข้า แล้วก็ขนออก เป็นแบบนี้วนๆไปค่ะ "
    "กีดขวางทางเข้าออกอาคารพักอาศัย และเป็นที่อับสายตา คนแอบกินเหล้า ปัสสาวะ ทิ้งขยะ"
)


def test_long_text_words_rebuild_the_text():
    assert len(LONG) > 140
    found = words(LONG)
    assert "".join(found) == normalise(LONG).replace(" ", "")
    for word in ["ระบาย", "น้ำ", "กีดขวาง", "ขยะ"]:
        assert word in found or any(word in w for w in found)
    assert "ช่ว" not in found
