"""The architecture holds: apps in layers, no import loops, plain Python where it should be.

The contracts are in pyproject.toml ([tool.importlinter]); docs/ARCHITECTURE.md explains them.
Imports inside functions count like any other.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600  # lines a module of ruam/ may have (migrations aside), give or take a docstring


def test_import_contracts_are_kept():
    linter = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(  # noqa: S603 - our own venv's lint-imports, fixed arguments
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_module_is_too_big_to_read():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "ruam").rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
