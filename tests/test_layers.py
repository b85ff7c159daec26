"""The packages import downward only and hold no cycle: the contracts of `.importlinter`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_the_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_importing_the_layouts_loads_no_duckdb() -> None:
    """The layouts use the store's result types (`data.store.types`) without loading the
    database, so that building a component tree needs no warehouse."""
    layouts = sorted(path.stem for path in (PROJECT_ROOT / "layouts").glob("*.py"))
    script = (
        "import importlib, sys\n"
        f"for name in {layouts!r}:\n"
        "    importlib.import_module(f'layouts.{name}')\n"
        "print('duckdb' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
