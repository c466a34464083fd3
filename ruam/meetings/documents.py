"""Meeting documents: the invitation (หนังสือเชิญประชุม) and the minutes (รายงานการประชุม), as PDF
and as printable pages, both from the same templates (``meetings/print/``).

Who may see them: both are public documents of a public body, except that the minutes of a meeting
that has not been held are a draft, shown only to the people who manage the body's meetings.
People appear by name and role only, never with an email address or a telephone number.

PDF: WeasyPrint (Pango and HarfBuzz shape the Thai) with Laksaman, the metric-compatible clone of
TH Sarabun PSK from Debian's fonts-thai-tlwg, at 16 pt as official documents are. Nothing is fetched
while printing: the URL fetcher serves the fonts from memory and refuses everything else.

The text layer is made right in two ways, because copying Thai out of the PDF must give back the
same text (see ``pdftotext``):

* ``/ActualText``: every line of Thai text is wrapped in a marked-content span that carries its
  text. Stacked marks (ที่, ผู้) sit at one pen position, and text extractors that place characters
  by position (poppler's among them) otherwise scramble or drop them.
* The font: WeasyPrint gives each glyph one Unicode string, taken from where the glyph is first
  used. HarfBuzz splits SARA AM into NIKHAHIT + SARA AA, so the glyph of า would also stand for ำ,
  and the TLWG fonts swap a tone mark with the vowel below it (ผู้), so a tone glyph would stand for
  the vowel. The copy of Laksaman used here composes ำ (with a tone mark above it: ่ำ ้ำ ๊ำ ๋ำ)
  back into one glyph and keeps marks in their text order, so the glyph-to-text map is exact too.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import threading
from contextvars import ContextVar
from pathlib import Path

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from ruam.bodies.models import Role
from ruam.core.errors import Bilingual
from ruam.meetings.models import (
    SECTION_TH,
    Action,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    Resolution,
)
from ruam.meetings.services import can_manage, has_quorum, quorum
from ruam.thai.dates import thai_digits

log = logging.getLogger(__name__)

DRAFT_MINUTES = Bilingual(
    "รายงานการประชุมครั้งนี้ยังเป็นร่าง เปิดดูได้เฉพาะประธาน รองประธาน และเลขานุการของคณะนี้",
    "These minutes are still a draft: only this body's chair, vice chair and secretaries can "
    "see them.",
)
KINDS = {"invitation": "meetings/print/invitation.html", "minutes": "meetings/print/minutes.html"}
FILE_PREFIX = {"invitation": "invitation", "minutes": "minutes"}

# Contact data never printed, even when someone typed it into a name or a role.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER_RUN = re.compile(r"\+?\d[\d\s().-]{7,}\d")  # a telephone number if 9 digits or more
CONTACT_LABEL = re.compile(
    r"(?:^|\s+)(?:โทรศัพท์|โทร|มือถือ|อีเมล|e-?mail|tel|phone|mobile)\s*[:.]?\s*$", re.IGNORECASE
)


# -- views ------------------------------------------------------------------------------------


@require_safe
def invitation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, "invitation")


@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, "minutes")


@require_safe
def invitation_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "invitation")


@require_safe
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "minutes")


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body", "chair"), pk=pk)


def is_draft(meeting: Meeting, kind: str) -> bool:
    return kind == "minutes" and meeting.status != Meeting.Status.HELD


def may_see(user, meeting: Meeting, kind: str) -> bool:
    return not is_draft(meeting, kind) or can_manage(user, meeting.body)


def _forbidden() -> HttpResponse:
    return HttpResponseForbidden(
        format_html(
            '<!doctype html><html lang="th"><head><meta charset="utf-8"><title>403</title></head>'
            '<body><p>{}</p><p lang="en">{}</p></body></html>',
            DRAFT_MINUTES.th,
            DRAFT_MINUTES.en,
        )
    )


def _wants_thai_digits(request: HttpRequest) -> bool:
    return request.GET.get("digits") == "thai"


def _private_if_draft(response: HttpResponse, meeting: Meeting, kind: str) -> HttpResponse:
    if is_draft(meeting, kind):
        patch_cache_control(response, private=True, no_store=True)
    return response


def _pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    meeting = _meeting(pk)
    if not may_see(request.user, meeting, kind):
        return _forbidden()
    html = render_document(meeting, kind, thai_numerals=_wants_thai_digits(request), for_pdf=True)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    name = f"{FILE_PREFIX[kind]}-{meeting.body.code}-{meeting.number}-{meeting.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return _private_if_draft(response, meeting, kind)


def _page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    meeting = _meeting(pk)
    if not may_see(request.user, meeting, kind):
        return _forbidden()
    html = render_document(
        meeting, kind, thai_numerals=_wants_thai_digits(request), for_pdf=False, request=request
    )
    return _private_if_draft(HttpResponse(html), meeting, kind)


# -- what the documents say -------------------------------------------------------------------


def clean_person_text(value: str) -> str:
    """A name or a role as printed: any email address or telephone number taken out."""
    value = EMAIL.sub("", value or "")
    value = NUMBER_RUN.sub(lambda m: "" if sum(c.isdigit() for c in m[0]) >= 9 else m[0], value)
    value = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", value)
    value = re.sub(r"\s{2,}", " ", value).strip(" ,;/:-")
    return CONTACT_LABEL.sub("", value).strip(" ,;/:-")


def _person_name(user) -> str:
    if user is None:
        return ""
    return clean_person_text(user.display_name or user.get_full_name() or user.username)


def _officer_name(meeting: Meeting, role: str) -> str:
    membership = (
        meeting.body.current_memberships(timezone.localdate(meeting.starts_at))
        .filter(role=role)
        .order_by("start", "pk")
        .first()
    )
    return _person_name(membership.person) if membership else ""


def _people(rows, remark=None) -> list[dict]:
    return [
        {
            "name": clean_person_text(row.name),
            "role": clean_person_text(row.role),
            "remark": remark(row) if remark else "",
        }
        for row in rows
    ]


def _sections(meeting: Meeting) -> list[dict]:
    actions = Action.objects.select_related("owner").order_by("due", "pk")
    resolutions = Resolution.objects.prefetch_related(Prefetch("actions", actions)).order_by("pk")
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("resolutions", resolutions))
        .order_by("section", "order", "pk")
    )
    return [
        {
            "number": number,
            "heading": heading,
            "items": [item for item in items if item.section == number],
        }
        for number, heading in SECTION_TH.items()
    ]


def document_context(meeting: Meeting, kind: str) -> dict:
    body = meeting.body
    context = {
        "kind": kind,
        "meeting": meeting,
        "body": body,
        "number": f"{meeting.number}/{meeting.year}",
        "sections": _sections(meeting),
        "chair_name": _person_name(meeting.chair) or _officer_name(meeting, Role.CHAIR),
        "secretary_name": _officer_name(meeting, Role.SECRETARY),
        "is_draft": is_draft(meeting, kind),
        "cancelled": meeting.status == Meeting.Status.CANCELLED,
    }
    if kind == "invitation":
        invitations = list(meeting.invitations.order_by("pk"))
        context["invitees"] = _people(invitations)
        context["invited_groups"] = [
            (label, _people([i for i in invitations if i.group == group]))
            for group, label in [
                (Invitation.Group.MEMBER, "กรรมการ"),
                (Invitation.Group.OFFICIAL, "ผู้บริหารและเจ้าหน้าที่สำนักงานเขต"),
                (Invitation.Group.DEPARTMENT, "ผู้แทนหน่วยงาน"),
                (Invitation.Group.GUEST, "ผู้ได้รับเชิญ"),
            ]
        ]
        # The letter's date: when the meeting was scheduled, never after the meeting itself.
        context["issued"] = min(meeting.created, meeting.starts_at)
    else:
        rows = list(meeting.attendance.order_by("pk"))
        status = Attendance.Status
        context["present"] = _people(
            [r for r in rows if r.status == status.PRESENT and r.is_member]
        )
        context["absent"] = _people(
            [r for r in rows if r.status in {status.ABSENT, status.LEAVE}],
            remark=lambda r: "ลาประชุม" if r.status == status.LEAVE else "",
        )
        context["participants"] = _people(
            [
                r
                for r in rows
                if r.status == status.GUEST or (r.status == status.PRESENT and not r.is_member)
            ]
        )
        context["quorum"] = quorum(meeting)
        context["has_quorum"] = has_quorum(meeting)
        context["opened_at"] = meeting.opened_at or timezone.localtime(meeting.starts_at)
        context["closed_at"] = meeting.closed_at
        context["minutes_by"] = clean_person_text(meeting.minutes_by) or context["secretary_name"]
    return context


def render_document(
    meeting: Meeting,
    kind: str,
    *,
    thai_numerals: bool = False,
    for_pdf: bool = True,
    request: HttpRequest | None = None,
) -> str:
    """The document as HTML, always in Thai (Buddhist-Era dates), optionally in Thai numerals."""
    context = document_context(meeting, kind) | {"for_pdf": for_pdf, "thai_digits": thai_numerals}
    if not for_pdf:
        context["pdf_url"] = reverse(f"meeting_documents:{kind}_pdf", args=[meeting.pk])
        try:
            context["back_url"] = meeting.get_absolute_url()
        except NoReverseMatch:  # the meetings pages are not installed
            context["back_url"] = ""
    with translation.override("th"):
        html = render_to_string(KINDS[kind], context, request=request)
    return to_thai_numerals(html) if thai_numerals else html


_MARKUP_OR_DIGIT = re.compile(r"<[^>]*>|&#?\w+;|[0-9]+")


def to_thai_numerals(html: str) -> str:
    """Arabic digits to Thai ones in the text of the document's body, never inside tags, entities
    or the style sheet."""
    start = html.find("<body")
    if start < 0:
        return html

    def swap(match: re.Match) -> str:
        text = match.group(0)
        return thai_digits(text) if text[0].isdigit() else text

    return html[:start] + _MARKUP_OR_DIGIT.sub(swap, html[start:])


# -- PDF --------------------------------------------------------------------------------------

FONT_SCHEME = "ruam-font:"
FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/tlwg"))
FONT_FILES = {"normal": "Laksaman.ttf", "bold": "Laksaman-Bold.ttf"}
# The fixed copy needs a name of its own: fontconfig would prefer the installed Laksaman.
PDF_FAMILY = "Laksaman Ruam"
THAI_TEXT = re.compile("[\u0e00-\u0e7f]")
_ACTUAL_TEXT: ContextVar[bool] = ContextVar("ruam_actual_text", default=True)


def render_pdf(html: str, *, actual_text: bool = True) -> bytes:
    """HTML to PDF with nothing fetched from anywhere: fonts come from memory.

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
    document = HTML(string=html, url_fetcher=fetcher)
    token = _ACTUAL_TEXT.set(actual_text)
    try:
        return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
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


@functools.cache
def print_fonts() -> dict[str, bytes]:
    """Laksaman, regular and bold, with the text-layer fixes; empty if it is not installed."""
    fonts = {}
    for name in FONT_FILES.values():
        path = next((d / name for d in FONT_DIRS if (d / name).is_file()), None)
        if path is None:
            log.warning("%s not found (Debian: fonts-thai-tlwg); PDFs use another Thai font", name)
            continue
        try:
            fonts[name] = fix_thai_font(path.read_bytes())
        except Exception:  # a font we cannot fix is still better used as it is
            log.exception("could not prepare %s for printing", name)
            fonts[name] = path.read_bytes()
    return fonts


# The font fixes, with fontTools (a WeasyPrint dependency).

NIKHAHIT, SARA_AA, SARA_AM = 0x0E4D, 0x0E32, 0x0E33
TONE_MARKS = (0x0E48, 0x0E49, 0x0E4A, 0x0E4B)


def fix_thai_font(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    if "GSUB" in font:
        _keep_marks_in_order(font["GSUB"].table)
        if "glyf" in font:
            _compose_sara_am(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _new_lookup(gsub, lookup_type: int, subtable) -> int:
    from fontTools.ttLib.tables import otTables as ot

    lookup = ot.Lookup()
    lookup.LookupType, lookup.LookupFlag = lookup_type, 0
    lookup.SubTable, lookup.SubTableCount = [subtable], 1
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    return len(gsub.LookupList.Lookup) - 1


def _keep_marks_in_order(gsub) -> None:
    """The TLWG fonts put a tone mark before the vowel below it by swapping the two glyphs in a
    chained rule (ู + ้ → ้ + ู). Both are marks on the same consonant, so drawing them in text
    order looks the same; the rule becomes: leave the vowel, give the tone its low form."""
    from fontTools.ttLib.tables import otTables as ot

    lookups = gsub.LookupList.Lookup
    singles: dict[tuple[str, str], int] = {}

    def single(source: str, target: str) -> int:
        if (source, target) not in singles:
            subtable = ot.SingleSubst()
            subtable.mapping = {source: target}
            singles[source, target] = _new_lookup(gsub, 1, subtable)
        return singles[source, target]

    for lookup in list(lookups):
        if lookup.LookupType != 6:
            continue
        for subtable in lookup.SubTable:
            if getattr(subtable, "Format", None) != 1:
                continue
            for first, ruleset in zip(
                subtable.Coverage.glyphs, subtable.ChainSubRuleSet, strict=True
            ):
                for rule in ruleset.ChainSubRule if ruleset else ():
                    records = rule.SubstLookupRecord
                    if len(rule.Input) != 1 or sorted(r.SequenceIndex for r in records) != [0, 1]:
                        continue
                    if len({r.LookupListIndex for r in records}) != 1:
                        continue
                    swap = lookups[records[0].LookupListIndex]
                    if swap.LookupType != 1:
                        continue
                    mapping = {}
                    for part in swap.SubTable:
                        mapping.update(part.mapping)
                    second = rule.Input[0]
                    if first not in mapping or mapping.get(second) != first:
                        continue  # not a swap
                    moved = mapping[first]
                    if moved == second:
                        rule.SubstLookupRecord = []
                    else:
                        record = records[0]
                        record.SequenceIndex, record.LookupListIndex = 1, single(second, moved)
                        rule.SubstLookupRecord = [record]
                    rule.SubstCount = len(rule.SubstLookupRecord)


def _mark_on_mark(font, mark: str, on: str) -> tuple[int, int]:
    """Where the font's GPOS puts ``mark`` when it stacks on ``on``."""
    if "GPOS" not in font:
        return 0, 0
    for lookup in font["GPOS"].table.LookupList.Lookup:
        if lookup.LookupType != 6:
            continue
        for st in lookup.SubTable:
            first, second = st.Mark1Coverage.glyphs, st.Mark2Coverage.glyphs
            if mark in first and on in second:
                record = st.Mark1Array.MarkRecord[first.index(mark)]
                anchor = st.Mark2Array.Mark2Record[second.index(on)].Mark2Anchor[record.Class]
                if anchor is not None:
                    return (
                        anchor.XCoordinate - record.MarkAnchor.XCoordinate,
                        anchor.YCoordinate - record.MarkAnchor.YCoordinate,
                    )
    return 0, 0


def _compose_sara_am(font) -> None:
    """NIKHAHIT (+ tone mark) + SARA AA → one glyph: ำ, or ่ำ ้ำ ๊ำ ๋ำ as new composite glyphs."""
    from fontTools.ttLib.tables import otTables as ot
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    gsub = font["GSUB"].table
    cmap = font.getBestCmap()
    nikhahit, sara_aa, sara_am = (cmap.get(cp) for cp in (NIKHAHIT, SARA_AA, SARA_AM))
    features = [
        gsub.FeatureList.FeatureRecord[index]
        for script in gsub.ScriptList.ScriptRecord
        if script.ScriptTag in {"thai", "DFLT"}
        for langsys in [script.Script.DefaultLangSys]
        + [r.LangSys for r in script.Script.LangSysRecord]
        if langsys is not None
        for index in langsys.FeatureIndex
        if gsub.FeatureList.FeatureRecord[index].FeatureTag == "ccmp"
    ]
    if not (nikhahit and sara_aa and sara_am and features):
        return
    glyf, hmtx = font["glyf"], font["hmtx"]
    gdef = font["GDEF"].table if "GDEF" in font else None
    order = list(font.getGlyphOrder())
    added = []
    ligatures = []
    for tone in filter(None, (cmap.get(cp) for cp in TONE_MARKS)):
        name = f"{sara_am}.{tone}"
        dx, dy = _mark_on_mark(font, tone, nikhahit)
        glyph = Glyph()
        glyph.numberOfContours = -1
        glyph.components = []
        for base, x, y, flags in ((sara_am, 0, 0, 0x200), (tone, dx, dy, 0)):  # USE_MY_METRICS
            component = GlyphComponent()
            component.glyphName, component.x, component.y, component.flags = base, x, y, flags
            glyph.components.append(component)
        glyf[name] = glyph
        hmtx[name] = (hmtx[sara_am][0], min(hmtx[sara_am][1], hmtx[tone][1] + dx))
        added.append(name)
        ligatures.append(([tone, sara_aa], name))
    ligatures.append(([sara_aa], sara_am))  # the longer sequences first
    font.setGlyphOrder(order + added)
    if gdef is not None and gdef.GlyphClassDef is not None:
        for name in [*added, sara_am]:
            gdef.GlyphClassDef.classDefs[name] = 1  # base glyph
    subtable = ot.LigatureSubst()
    subtable.ligatures = {nikhahit: []}
    for components, name in ligatures:
        ligature = ot.Ligature()
        ligature.Component, ligature.LigGlyph = components, name
        ligature.CompCount = len(components) + 1
        subtable.ligatures[nikhahit].append(ligature)
    index = _new_lookup(gsub, 4, subtable)
    for record in {id(f): f for f in features}.values():
        record.Feature.LookupListIndex.append(index)
        record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
