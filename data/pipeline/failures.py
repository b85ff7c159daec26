"""An error of the build's own code, told apart from a malformed raw file.

A raw file that cannot be read raises `SourceError` (`file:line:column: message`); any
other error is the build's: it is reported as an internal error, with the step it
stopped in and the place in the code, so that nobody looks for it in the raw files.
"""

from __future__ import annotations

import traceback
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def code_place(exc: BaseException) -> str:
    """`data/pipeline/shares.py:219`: where the error was raised, from the project root."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "-"
    path = Path(frames[-1].filename).resolve()
    shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
    return f"{shown}:{frames[-1].lineno}"


def internal_error_message(step: str | None, exc: BaseException) -> str:
    """The French sentence of an internal error in `step` (None: outside every step)."""
    where = f"à l'étape « {step} »" if step else "hors des étapes"
    return (
        f"erreur interne de la construction {where} ({type(exc).__name__} en "
        f"{code_place(exc)}) : {exc} ; l'entrepôt précédent est conservé"
    )


class InternalBuildError(RuntimeError):
    """An error of the build's code (not of a raw file) raised in the step `step`."""

    def __init__(self, step: str, cause: BaseException) -> None:
        self.step = step
        self.cause = cause
        super().__init__(internal_error_message(step, cause))
