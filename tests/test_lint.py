"""The code as the project writes it: `ruff check` and `ruff format --check` clean (what
`make lint` runs), so that `make test` and CI stop a change that is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("arguments", [["check", "."], ["format", "--check", "."]])
def test_ruff_finds_nothing(arguments: list[str]) -> None:
    result = subprocess.run(
        [str(RUFF), *arguments, "--no-cache"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
