"""The one error every reader raises: which file, which line, which column, what is wrong."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """A raw input file cannot be read; the message is meant for the data officer.

    `line` is the 1-based line of the file (the header is line 1), `column` the raw column
    name as written in the file; either is None when it does not apply.
    """

    def __init__(
        self, path: Path | str, line: int | None, column: str | None, message: str
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        line = "-" if self.line is None else str(self.line)
        column = "-" if self.column is None else self.column
        return f"{self.path}:{line}:{column}: {self.message}"
