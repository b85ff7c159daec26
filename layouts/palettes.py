"""Colour-blind-safe sequential palettes (ColorBrewer YlGnBu) and the fixed colours of
values that are not shown.

Light means low, dark means high; for an indicator whose high value is favourable
(catalogue polarity +1) the palette is reversed, so that the darkest colour always
points at what needs attention.
"""

from __future__ import annotations

# ColorBrewer 2.0 "YlGnBu" (Cynthia Brewer, Apache-2.0), rated colour-blind safe.
YLGNBU: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
# ColorBrewer 2.0 "YlOrRd" in 3 classes (colour-blind safe): the ordered categories of a
# categorical indicator (the fragility classes), from the least to the most fragile.
ORDERED_CATEGORIES = ("#ffeda0", "#feb24c", "#f03b20")
SECRET_COLOR = "#8c8c8c"
NOT_AVAILABLE_COLOR = "#f2f2f2"
NO_DATA_COLOR = "#ffffff"
RESTRICTED_COLOR = "#d9cfe6"
MIN_CLASSES = 1
MAX_CLASSES = max(YLGNBU)


def sequential(k: int, polarity: int = 0) -> list[str]:
    """`k` colours from light to dark, reversed when high values are favourable."""
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ValueError(f"a palette has {MIN_CLASSES} to {MAX_CLASSES} classes, got {k}")
    if k == 1:
        colors = [YLGNBU[3][1]]
    elif k == 2:
        colors = [YLGNBU[3][0], YLGNBU[3][2]]
    else:
        colors = list(YLGNBU[k])
    return colors[::-1] if polarity > 0 else colors


def categorical(k: int) -> list[str]:
    """`k` ordered category colours (2 or 3): the first and last for two categories."""
    if k == 2:
        return [ORDERED_CATEGORIES[0], ORDERED_CATEGORIES[-1]]
    if k == len(ORDERED_CATEGORIES):
        return list(ORDERED_CATEGORIES)
    raise ValueError(f"a categorical palette has 2 or 3 categories, got {k}")
