"""What the printing tests need from the machine: WeasyPrint (with Pango) and Laksaman (Debian's
fonts-thai-tlwg). Missing, they skip the test on a developer's machine and fail it in CI."""

from __future__ import annotations

import pytest

from ruam.printing import fonts

from ..conftest import unavailable


@pytest.fixture(scope="session")
def weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's libraries are missing
        unavailable(f"WeasyPrint cannot be loaded: {exc}")
    return weasyprint


@pytest.fixture(scope="session")
def laksaman() -> dict[str, bytes]:
    """The print fonts as prepared for printing, by file name."""
    prepared = fonts.print_fonts()
    if set(prepared) != set(fonts.FONT_FILES.values()):
        unavailable("Laksaman is not installed (Debian: fonts-thai-tlwg)")
    return prepared


@pytest.fixture(scope="session")
def installed_laksaman(laksaman) -> dict[str, bytes]:
    """The same fonts as installed, without the fixes."""
    return {
        name: next(d / name for d in fonts.FONT_DIRS if (d / name).is_file()).read_bytes()
        for name in laksaman
    }
