"""Reading a PDF's text back as a person copying it would get it: poppler's ``pdftotext``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..conftest import unavailable


def pdftotext(pdf: bytes, tmp_path: Path, *, mode: str = "-layout") -> str:
    exe = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    if not os.path.exists(exe):
        unavailable("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603 - a fixed program on a file this test wrote
        [exe, mode, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode()
