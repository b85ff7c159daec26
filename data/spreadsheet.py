"""Text that a spreadsheet shows as text: the one guard every exported cell goes through."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: the log holds text typed by anyone
    (the address of a failed login), e.g. `=HYPERLINK(...)` becomes `'=HYPERLINK(...)`."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
