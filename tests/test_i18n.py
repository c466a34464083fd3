"""Thai first, English second: both catalogues complete and compiled."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "ruam" / "locale"


def entries(lang: str) -> list[polib.POEntry]:
    return [
        e for e in polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po")) if not e.obsolete
    ]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_catalogue_is_complete(lang):
    untranslated = [
        e.msgid
        for e in entries(lang)
        if "fuzzy" in e.flags
        or not (e.msgstr or (e.msgstr_plural and all(e.msgstr_plural.values())))
    ]
    assert untranslated == []


def test_both_catalogues_hold_the_same_messages():
    assert {e.msgid for e in entries("th")} == {e.msgid for e in entries("en")}


def test_thai_translations_are_thai():
    names = {"API", "Open311", "LINE"}  # proper names stay as they are
    thai = [e for e in entries("th") if e.msgid not in names]
    not_thai = [
        e.msgid
        for e in thai
        if not any(
            "\u0e00" <= ch <= "\u0e7f" for ch in e.msgstr + "".join(e.msgstr_plural.values())
        )
    ]
    assert not_thai == []


@pytest.mark.parametrize("lang", ["th", "en"])
def test_compiled_catalogue_matches_the_source(lang):
    folder = LOCALE / lang / "LC_MESSAGES"
    compiled = {
        (e.msgid, e.msgstr or e.msgstr_plural.get(0, ""))
        for e in polib.mofile(str(folder / "django.mo"))
        if e.msgid
    }
    source = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in entries(lang)}
    assert source == compiled, "run `make messages` to recompile the catalogues"


def test_every_translatable_string_in_the_code_is_in_the_catalogue():
    """A string marked for translation but missing from the catalogue would show in English."""
    import re

    known = {e.msgid for e in entries("th")}
    pattern = re.compile(r"""(?<![\w.])_\(\s*"([^"\\]+)"\s*\)""")
    found = set()
    for path in (LOCALE.parent).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    for path in (LOCALE.parent / "templates").rglob("*.html"):
        # makemessages writes a template's "%" as "%%".
        found |= {
            text.replace("%", "%%")
            for text in re.findall(r"""{% translate "([^"]+)"[ %]""", path.read_text("utf-8"))
        }
    assert sorted(found - known) == []
