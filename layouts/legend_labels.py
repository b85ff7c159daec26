"""The text of a legend class, never a range that reads as empty ("0,0 – 0,0 %").

A class of one value (quantiles put a mass of equal values, e.g. zeros, in a class of
their own) is written as that value; a range whose bounds round alike at the
indicator's decimals is written with the decimals that tell them apart."""

from __future__ import annotations

from layouts.formatting import format_range, format_value

# A range whose bounds still round alike with this many extra decimals is written as
# its lower bound with "≈".
MAX_EXTRA_DECIMALS = 3
EMPTY_CLASS_TEXT = "aucune"
EMPTY_CLASS_TITLE = "Classe vide : aucune valeur dans cet intervalle cette année"


def class_label(lower: float, upper: float, unit: str, decimals: int) -> str:
    """ "12,3 – 15,0 %", "0,0 %" for a class of one value, "0,02 – 0,04 %" for a range
    that rounds to one value at the indicator's decimals."""
    if lower == upper:
        return format_value(lower, unit, decimals)
    for extra in range(MAX_EXTRA_DECIMALS + 1):
        label = format_range(lower, upper, unit, decimals + extra)
        low, high = (part.strip() for part in label.split("–"))
        if low != high.removesuffix(unit).strip():
            return label
    return f"≈ {format_value(lower, unit, decimals)}"
