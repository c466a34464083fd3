"""``ruam.printing`` and ``ruam.thai`` are plain Python: importing them (and printing a PDF) loads
no Django, so they can be used and tested outside the web application. Only the Thai app's
registration and its commands (``ruam.thai.apps``, ``ruam.thai.management``) are Django's.

Each check runs in a fresh interpreter: this test process has Django loaded already."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

DJANGO_FREE = ["ruam.printing", "ruam.thai"]
DJANGO_ALLOWED = ("ruam.thai.apps", "ruam.thai.management")

IMPORT_ALL = f"""
import importlib, json, pkgutil, sys

names = []
for package_name in {DJANGO_FREE!r}:
    package = importlib.import_module(package_name)
    names.append(package_name)
    for module in pkgutil.walk_packages(package.__path__, package_name + "."):
        if not module.name.startswith({DJANGO_ALLOWED!r}):
            importlib.import_module(module.name)
            names.append(module.name)
"""


def run(code: str) -> dict:
    done = subprocess.run(  # noqa: S603 - this interpreter on code written here
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_the_pure_modules_loads_no_django():
    result = run(
        IMPORT_ALL + "print(json.dumps({'imported': names, "
        "'django': sorted(m for m in sys.modules if m.split('.')[0] == 'django')}))"
    )
    assert {"ruam.printing.pdf", "ruam.printing.fonts", "ruam.thai.dates"} <= set(
        result["imported"]
    )
    assert {"ruam.thai.training", "ruam.thai.classifier"} <= set(result["imported"])
    assert result["django"] == []


def test_printing_a_pdf_loads_no_django(weasyprint):
    """The imports made when printing (WeasyPrint, fontTools, pydyf, Pillow) count too."""
    result = run(
        IMPORT_ALL
        + """
from ruam.printing.pdf import render_pdf
from ruam.thai.dates import to_thai_numerals

pdf = render_pdf(to_thai_numerals('<html lang="th"><body><p>ครั้งที่ 2/2567</p></body></html>'))
print(json.dumps({
    "pdf": pdf.startswith(b"%PDF-"),
    "django": sorted(m for m in sys.modules if m.split(".")[0] == "django"),
}))
"""
    )
    assert result == {"pdf": True, "django": []}
