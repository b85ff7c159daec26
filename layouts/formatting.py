"""French formatting of every number shown to a user: one helper, one style.

Thousands are grouped with a no-break space and decimals use a comma ("1 234,5"); a
unit follows after a no-break space so that "12,3 %" never wraps. A hidden value reads
"secret", a missing one "n.d.". Dates and times are formatted by `auth.dates`.
"""

from __future__ import annotations

import functools
import math
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal

NBSP = "\u00a0"
SECRET_TEXT = "secret"
# What "secret" means, on hover: the same for a count, a share or a whole residence.
SECRET_TITLE = (
    "Valeur non diffusée (secret statistique) : elle porte sur trop peu de logements ou "
    "de ménages, ou permettrait d'en déduire une autre valeur cachée."
)
NOT_AVAILABLE_TEXT = "n.d."
RESTRICTED_TEXT = "hors périmètre"
# Rounding never runs out of digits, whatever the magnitude (the default context keeps 28).
EXACT = Context(prec=MAX_PREC)
# Below this magnitude a float's shortest repr and the float itself round alike to 3
# decimals or fewer, but for a repr that is itself a tie (see `_rounds_as_written`).
FAST_LIMIT = 1e12
FAST_MAX_DECIMALS = 3


def format_number(value: float, decimals: int = 0) -> str:
    """`1234.5` → "1 234,5" (no-break space between thousands, decimal comma).

    Halves are rounded up (away from zero), as French statistics publish them, on the
    number as written: 6.25 → "6,3" and 1.005 → "1,01", although the binary floats lie
    just below."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot format a non-finite number: {value!r}")
    written = repr(number)
    if _rounds_as_written(number, written, decimals):
        text = f"{number:,.{decimals}f}"
        if text.startswith("-") and not text.strip("-0,."):
            text = text[1:]  # never print "-0"
    else:
        step = Decimal(1).scaleb(-decimals)
        rounded = Decimal(written).quantize(step, rounding=ROUND_HALF_UP, context=EXACT)
        if rounded == 0:
            rounded = rounded.copy_abs()
        text = f"{rounded:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def _rounds_as_written(number: float, written: str, decimals: int) -> bool:
    """Whether the float's own correct rounding gives the same digits as rounding its
    shortest repr half up, so that the slower exact decimal rounding can be skipped (a
    map label formats ~3 000 values).

    A rounding boundary strictly between the float and its repr would be a shorter
    decimal that reads back as the same float, which the shortest repr excludes; so they
    differ only when the repr is itself a tie (its digit after the last kept one is its
    last digit, a 5), or when the magnitude leaves less than a digit of precision there."""
    if abs(number) >= FAST_LIMIT or decimals > FAST_MAX_DECIMALS or "e" in written:
        return False
    fraction = written.partition(".")[2]
    return not (len(fraction) == decimals + 1 and fraction.endswith("5"))


@functools.lru_cache(maxsize=32768)
def format_value(value: float | None, unit: str = "", decimals: int = 0, status: str = "ok") -> str:
    """A value with its unit as a user reads it: "1 234,5 %", "secret", "hors périmètre"
    (a value that is one residence's, outside the convention's perimeter) or "n.d.".

    Cached: a map label formats ~3 000 values, the same again under another classing
    method, and counts of dwellings repeat from one residence to the next."""
    if status == "secret":
        return SECRET_TEXT
    if status == "restricted":
        return RESTRICTED_TEXT
    if status != "ok" or value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_AVAILABLE_TEXT
    number = format_number(value, decimals)
    return f"{number}{NBSP}{unit}" if unit else number


def format_range(lower: float, upper: float, unit: str = "", decimals: int = 0) -> str:
    """A class of values: "12,3 – 15,0 %"."""
    text = f"{format_number(lower, decimals)} – {format_number(upper, decimals)}"
    return f"{text}{NBSP}{unit}" if unit else text
