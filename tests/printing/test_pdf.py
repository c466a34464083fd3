"""HTML to PDF: nothing fetched while printing, and Thai that copies out as it was written."""

from __future__ import annotations

import pytest

from ruam.printing import pdf

from .pdftext import pdftotext
from .test_fonts import SAMPLE, page


def test_nothing_is_fetched_while_printing(weasyprint):
    fetcher = pdf._fetcher_class()()
    for address in ["https://example.com/x.css", "http://127.0.0.1/", "file:///etc/passwd"]:
        with pytest.raises(ValueError, match="not fetched while printing"):
            fetcher.fetch(address)
    with pytest.raises(ValueError):
        fetcher.fetch(f"{pdf.FONT_SCHEME}../../etc/passwd")
    html = (
        '<html lang="th"><head><link rel="stylesheet" href="https://example.com/x.css"></head>'
        '<body><img src="http://127.0.0.1:9/x.png"><p>ทดสอบ</p></body></html>'
    )
    assert pdf.render_pdf(html).startswith(b"%PDF-")


def test_the_print_fonts_are_served_from_memory(weasyprint, laksaman):
    fetcher = pdf._fetcher_class()()
    for name in laksaman:
        assert fetcher.fetch(f"{pdf.FONT_SCHEME}{name}").read() == pdf.print_fonts()[name]


def test_actual_text_copies_out_even_with_the_font_as_installed(
    weasyprint, installed_laksaman, monkeypatch, tmp_path
):
    """/ActualText carries each line's text: readers that honour it (poppler) need nothing of the
    font. The installed Laksaman alone would give ร้ำยง้ำน for รายงาน."""
    monkeypatch.setattr(pdf, "print_fonts", lambda: installed_laksaman)
    without = pdftotext(pdf.render_pdf(page(SAMPLE), actual_text=False), tmp_path, mode="-raw")
    assert without.split() != SAMPLE.split()  # what this test would miss
    for mode in ["-raw", "-layout"]:
        text = pdftotext(pdf.render_pdf(page(SAMPLE)), tmp_path, mode=mode)
        assert text.split() == SAMPLE.split(), mode


def test_text_without_thai_gets_no_actual_text(weasyprint, laksaman, tmp_path):
    text = pdftotext(pdf.render_pdf(page("Invitation 2/2024 ประชุม")), tmp_path)
    assert text.split() == ["Invitation", "2/2024", "ประชุม"]
