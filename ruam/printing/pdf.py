"""HTML to PDF: WeasyPrint (Pango and HarfBuzz shape the Thai) with Laksaman
(``ruam.printing.fonts``). Nothing is fetched while printing: the URL fetcher serves the fonts
from memory and refuses everything else.

The text layer is made right in two ways, because copying Thai out of the PDF must give back the
same text (see ``pdftotext``):

* ``/ActualText`` (here): every line of Thai text is wrapped in a marked-content span that
  carries its text. Stacked marks (ที่, ผู้) sit at one pen position, and text extractors that
  place characters by position (poppler's among them) otherwise scramble or drop them.
* The font (``ruam.printing.fonts``): its glyph-to-text map is made exact, for readers that
  ignore ``/ActualText``.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from contextvars import ContextVar

from ruam.printing.fonts import FONT_FILES, print_fonts

FONT_SCHEME = "ruam-font:"
# The fixed copy needs a name of its own: fontconfig would prefer the installed Laksaman.
PDF_FAMILY = "Laksaman Ruam"
THAI_TEXT = re.compile("[\u0e00-\u0e7f]")
_ACTUAL_TEXT: ContextVar[bool] = ContextVar("ruam_actual_text", default=True)


def render_pdf(html: str, *, actual_text: bool = True, also: Sequence[str] = ()) -> bytes:
    """HTML to PDF with nothing fetched from anywhere: fonts come from memory.

    ``also``: more documents whose pages follow, in one file (a letter and its enclosures).
    ``actual_text=False`` leaves the text layer to the font's glyph-to-text map alone (tests)."""
    from PIL import ImageFile
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint turns on Pillow's "load truncated images" for the whole process when imported;
    # our documents hold no raster images, and photo uploads must refuse truncated files.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    _use_actual_text()
    fetcher = _fetcher_class()()
    font_config = FontConfiguration()
    stylesheet = CSS(string=_pdf_css(), font_config=font_config, url_fetcher=fetcher)
    token = _ACTUAL_TEXT.set(actual_text)
    try:
        if not also:
            document = HTML(string=html, url_fetcher=fetcher)
            return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
        rendered = [
            HTML(string=part, url_fetcher=fetcher).render(
                stylesheets=[stylesheet], font_config=font_config
            )
            for part in (html, *also)
        ]
        pages = [page for document in rendered for page in document.pages]
        return rendered[0].copy(pages).write_pdf()
    finally:
        _ACTUAL_TEXT.reset(token)


def _pdf_css() -> str:
    faces = "".join(
        f'@font-face {{ font-family: "{PDF_FAMILY}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{FONT_SCHEME}{name}"); }}\n'
        for weight, name in FONT_FILES.items()
        if name in print_fonts()
    )
    # A user style sheet: only !important outranks the document's own font list. No
    # "TH Sarabun New" here: fontconfig aliases it to Laksaman, and WeasyPrint then mixes the
    # metrics of the two fonts (letters drawn on top of one another).
    families = f'"{PDF_FAMILY}", "Laksaman", "Sarabun", sans-serif'
    return faces + f"html {{ font-family: {families} !important; }}"


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnly(URLFetcher):
        """Serves the print fonts; refuses every other URL (http, https, file, data…)."""

        def fetch(self, url, headers=None):
            if url.startswith(FONT_SCHEME):
                data = print_fonts().get(url.removeprefix(FONT_SCHEME))
                if data is not None:
                    return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})
            raise ValueError(f"not fetched while printing: {url[:80]}")

    return LocalOnly


_PATCH_LOCK = threading.Lock()


def _use_actual_text() -> None:
    """Wrap each line of Thai text WeasyPrint draws in ``/Span <</ActualText (…)>> BDC … EMC``."""
    import pydyf
    import weasyprint.draw as draw

    with _PATCH_LOCK:
        if not getattr(draw.draw_text, "ruam_actual_text", False):
            draw.draw_text = _with_actual_text(draw.draw_text, pydyf)


def _with_actual_text(original, pydyf):
    """``draw_text`` inside a span whose /ActualText is the text box's text."""

    def draw_text(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "")
        if not (_ACTUAL_TEXT.get() and THAI_TEXT.search(text)):
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.ruam_actual_text = True
    return draw_text
