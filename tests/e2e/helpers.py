"""What every browser journey checks on every page it visits.

- The page came with the strict Content-Security-Policy, and the browser reported no violation
  of it (a listener installed before any page script runs collects them).
- axe-core (from npm, served to the page from node_modules by the test itself, never from a CDN)
  finds no serious or critical violation of WCAG 2.x A/AA.
- Nothing is wider than the viewport (a phone must never scroll sideways).
- A screenshot of the key screens goes to test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
AXE_PATH = "/__test__/axe.min.js"

# Violations the browser reports that come from a vendor library, not from Ruam: Chartist sets
# its SVG's size in a style attribute as well as in width/height attributes (the attributes
# win, so blocking the style changes nothing on screen).
KNOWN_VENDOR_VIOLATIONS = re.compile(r"^style-src-attr inline \| .*/vendor/chartist/")

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    e.effectiveDirective + " " + e.blockedURI + " | " + (e.sourceFile || ""));
});
"""


def watch(page):
    """Install the checks on a page (call once, before its first navigation)."""
    page.add_init_script(COLLECT_VIOLATIONS)
    page.context.route(
        f"**{AXE_PATH}",
        lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
    )
    seen: list[str] = []

    def on_response(response):
        if response.request.resource_type != "document":
            return
        if not response.url.startswith(("http://localhost", "http://127.0.0.1")):
            return
        if response.status >= 300 and response.status < 400:
            return
        header = response.headers.get("content-security-policy", "")
        seen.append(response.url)
        assert "frame-ancestors 'none'" in header, (response.url, header)
        assert "unsafe-inline" not in header and "script-src 'self'" in header, response.url

    page.on("response", on_response)
    page.visited = seen
    return page


def check(page, name: str | None = None) -> dict:
    """The checks above on the page as it is now; a screenshot named ``name`` if given."""
    page.wait_for_load_state("load")
    violations = [
        v
        for v in page.evaluate("window.__cspViolations || []")
        if not KNOWN_VENDOR_VIOLATIONS.match(v)
    ]
    assert violations == [], (page.url, violations)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (page.url, "wider than the screen", width)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    )
    serious = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    # Every result goes to test-artifacts/axe-results.jsonl: the lesser findings too, to read.
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "axe-results.jsonl", "a", encoding="utf-8") as log:
        found = [[v["id"], v["impact"], len(v["nodes"])] for v in result["violations"]]
        size = page.viewport_size or {}
        entry = {"url": page.url, "width": size.get("width"), "violations": found}
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    assert serious == [], (page.url, json.dumps(serious, ensure_ascii=False, indent=1))
    if name:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return result


def header_fits(page) -> None:
    """Every link and button of the header is inside the screen (not clipped, not hidden)."""
    boxes = page.evaluate(
        """() => Array.from(document.querySelectorAll('.site-header a, .site-header button'))
            .map(e => { const r = e.getBoundingClientRect();
                        return [e.textContent.trim(), r.left, r.right, r.width]; })"""
    )
    width = page.evaluate("window.innerWidth")
    for text, left, right, w in boxes:
        assert w > 0 and left >= 0 and right <= width + 0.5, (text, left, right, width)
