"""The Thai print font: Laksaman, the metric-compatible clone of TH Sarabun PSK from Debian's
fonts-thai-tlwg, with its glyph-to-text map made exact.

WeasyPrint gives each glyph of a PDF font one Unicode string, taken from where the glyph is first
used, and text extractors (``pdftotext``, copy and paste) read the text back from that map when a
line carries no ``/ActualText`` (see ``ruam.printing.pdf``). Two things make it wrong for Thai:

* HarfBuzz splits SARA AM into NIKHAHIT + SARA AA, so the glyph of า would also stand for ำ.
* The TLWG fonts swap a tone mark with the vowel below it (ผู้), so a tone glyph would stand for
  the vowel.

The copy of Laksaman used here composes ำ (with a tone mark above it: ่ำ ้ำ ๊ำ ๋ำ) back into one
glyph and keeps marks in their text order, so the glyph-to-text map is exact too.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/tlwg"))
FONT_FILES = {"normal": "Laksaman.ttf", "bold": "Laksaman-Bold.ttf"}

NIKHAHIT, SARA_AA, SARA_AM = 0x0E4D, 0x0E32, 0x0E33
TONE_MARKS = (0x0E48, 0x0E49, 0x0E4A, 0x0E4B)


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
