import pytest

from ruam.thai import segment

from ..conftest import need_module


@pytest.fixture(autouse=True, scope="module")
def _segmenter_installed() -> None:
    # A fixture, not module-level calls: pytest.skip outside a test needs allow_module_level.
    need_module("nlpo3", "nlpo3 is not installed")
    need_module("pythainlp", "pythainlp is not installed")


def test_thai_words_are_split_at_word_boundaries():
    assert segment.words("น้ำท่วมขังหน้าซอย") == ["น้ำท่วม", "ขัง", "หน้า", "ซอย"]
    assert segment.words("ไฟส่องสว่างดับ") == ["ไฟ", "ส่องสว่าง", "ดับ"]


def test_spaces_punctuation_and_case_are_normalised():
    assert segment.words("  ถนน\tเป็นหลุม!!!\n\nHello, WORLD ๆ  ") == [
        "ถนน",
        "เป็น",
        "หลุม",
        "hello",
        "world",
    ]


def test_digits_dots_and_repeated_letters():
    assert segment.words("ซอย ๒๓ PM2.5 กทม. มืดมากกกกก") == [
        "ซอย",
        "23",
        "pm",
        "2.5",
        "กทม",
        "มืด",
        "มาก",
    ]
    # A dot between Thai words breaks them (the segmenter would otherwise cut "ไหล" wrongly).
    assert segment.words("น้ำไม่ไหล...ค่ะ") == ["น้ำ", "ไม่", "ไหล", "ค่ะ"]
    assert segment.words("กํา") == ["กำ"]  # nikhahit + sara aa is sara am


def test_empty_text_has_no_words():
    assert segment.words("") == []
    assert segment.words(None) == []
    assert segment.words(" \n !!! ") == []
    assert segment.segmented("") == ""


def test_segmented_joins_words_with_single_spaces():
    assert segment.segmented("ทางเท้าชำรุด  กระเบื้องแตก") == "ทางเท้า ชำรุด กระเบื้อง แตก"


def test_words_spell_the_text_back():
    # nlpo3's "safe" mode garbles text like this one; the mode used must keep every letter.
    text = (
        "บริเวณนี้มักมีตุ๊กตุ๊กจอดแช่คอยผดส. ทำให้แท้กซี่ที่มาส่งนทท.ต้องจอดกลางถนน "
        "ทำให้รถที่มาจากไฟเขียวตรงสี่แยกคอกวัวติดอินุงตุงนัง"
    )
    assert "".join(segment.words(text)) == segment.normalise(text).replace(" ", "")


def test_words_many_matches_words():
    texts = ["ขยะล้นถัง", None, "", "สายไฟห้อยต่ำ อันตราย"]
    assert segment.words_many(texts) == [segment.words(t) for t in texts]


def test_dictionary_is_the_bundled_local_file():
    path = segment.dictionary_path()
    assert path.endswith("words_th.txt")
    with open(path, encoding="utf-8") as f:
        assert sum(1 for _ in f) > 50_000
