"""The Content-Security-Policy: every page carries it, and no template can break it.

The policy allows no inline script or style without the request's nonce, so a template with an
``onclick=``, a ``style="…"`` or a bare ``<script>``/``<style>`` block would be silently broken in
the browser. The scan below reads every template under ruam/templates and fails on any of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ruam.core.csp import tile_origin

TEMPLATES = Path(__file__).resolve().parents[2] / "ruam" / "templates"

HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
BLOCK = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
NONCE = 'nonce="{{ request.csp_nonce }}"'


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def _problems(path: Path, root: Path = TEMPLATES) -> list[str]:
    text = path.read_text(encoding="utf-8")
    # Template comments and tags are not markup; a `{% if %}` inside a tag is.
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)
    found = []
    for match in HANDLER.finditer(text):
        found.append(f"inline event handler: {match.group(0)[-40:]!r}")
    for match in STYLE_ATTR.finditer(text):
        found.append(f"style attribute: {match.group(0)[-40:]!r}")
    for match in BLOCK.finditer(text):
        tag, attributes = match.group(1).lower(), match.group(2)
        if tag == "script" and re.search(r"\bsrc\s*=", attributes):
            continue  # a script file from Ruam's own origin ('self')
        if tag == "script" and 'type="application/json"' in attributes:
            continue  # data, never run
        if NONCE not in attributes:
            found.append(f"<{tag}> block without the nonce")
    return [f"{path.relative_to(root)}: {p}" for p in found]


def test_the_scan_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<button onclick="x()">a</button><p style="color: red">b</p><script>alert(1)</script>'
        '<style>p{}</style><script src="/static/a.js"></script>'
        '<style nonce="{{ request.csp_nonce }}">p{}</style>'
    )
    problems = _problems(bad, root=tmp_path)
    assert len(problems) == 4, problems


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_breaks_the_policy(path):
    assert _problems(path) == []


def test_tile_origin():
    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_origin("https://{s}.tiles.example.go.th/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.go.th"
    )
    assert tile_origin("http://10.1.2.3:8080/osm/{z}/{x}/{y}.png") == "http://10.1.2.3:8080"
    assert tile_origin("") is None
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None
    assert tile_origin("javascript:alert(1)") is None
