"""The Thai print font: its glyph-to-text map gives back the text that was printed."""

from __future__ import annotations

import io

from ruam.printing import fonts
from ruam.printing.pdf import render_pdf

from .pdftext import pdftotext

# SARA AM with and without a tone mark above it, tone marks over vowels below (ผู้, ปู่), stacks.
SAMPLE = "น้ำท่วม รายงาน กำหนด ค่ำ ต่ำ ผู้ใหญ่ ปู่ เข้าร่วม ที่ประชุม สิทธิ์"


def page(text: str) -> str:
    return f'<html lang="th"><body><p>{text}</p></body></html>'


def test_the_font_maps_every_glyph_to_its_text(weasyprint, laksaman, tmp_path):
    """Without /ActualText, text is read from the glyphs alone: it still comes out right."""
    pdf = render_pdf(page(SAMPLE), actual_text=False)
    assert pdftotext(pdf, tmp_path, mode="-raw").split() == SAMPLE.split()


def test_bold_too(weasyprint, laksaman, tmp_path):
    pdf = render_pdf(page(f"<b>{SAMPLE}</b>"), actual_text=False)
    assert pdftotext(pdf, tmp_path, mode="-raw").split() == SAMPLE.split()


def test_sara_am_is_one_glyph_again(laksaman):
    """NIKHAHIT + SARA AA (with a tone mark between) compose to a glyph that stands for ำ."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(laksaman["Laksaman.ttf"]))
    cmap = font.getBestCmap()
    nikhahit, sara_aa, sara_am = (cmap[c] for c in (fonts.NIKHAHIT, fonts.SARA_AA, fonts.SARA_AM))
    composed = {
        (tuple(ligature.Component), ligature.LigGlyph)
        for lookup in font["GSUB"].table.LookupList.Lookup
        if lookup.LookupType == 4
        for subtable in lookup.SubTable
        for ligature in subtable.ligatures.get(nikhahit, [])
    }
    assert ((sara_aa,), sara_am) in composed
    for tone in (cmap[c] for c in fonts.TONE_MARKS):
        assert ((tone, sara_aa), f"{sara_am}.{tone}") in composed
        assert f"{sara_am}.{tone}" in font.getGlyphOrder()


def test_a_font_that_cannot_be_fixed_is_printed_with_as_it_is(
    laksaman, installed_laksaman, monkeypatch, caplog
):
    def fail(data: bytes) -> bytes:
        raise ValueError("a font this code does not understand")

    monkeypatch.setattr(fonts, "fix_thai_font", fail)
    prepare = fonts.print_fonts.__wrapped__  # not the cached fonts every other test prints with
    assert prepare() == installed_laksaman
    assert "could not prepare Laksaman.ttf" in caplog.text
