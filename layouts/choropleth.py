"""The colours, tooltips and legend of one indicator on one scale, as plain data.

Input: the warehouse rows `(code, value, status)` of one scale, indicator and year.
Output: a `Choropleth` whose `hideout()` is what the map's JS style functions read
(`assets/atlas_map.js`), and whose `legend` the legend component draws. Nothing here
touches Dash or the warehouse.

The hideout is positional: one character and one label per feature, in the order of the
features' `i` property (`Store.map_order`). Keyed by code, the ~3 000 residences of the
MEL made a 156 KB answer to every restyle; as arrays it is a fifth of that, and encodes
and compresses as many times faster. The residence layer holds only the residences of
the area in view: its hideout is cut to them (`area_hideout`), keyed by their `i`, so
that a restyle costs what the view shows, not what the territory holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from data.diagnostic import method_text
from layouts.classification import (
    DEFAULT_CLASS_COUNT,
    DEFAULT_METHOD,
    class_breaks,
    class_count,
    class_indices,
)
from layouts.formatting import format_value
from layouts.legend_labels import class_label
from layouts.palettes import (
    NOT_AVAILABLE_COLOR,
    RESTRICTED_COLOR,
    SECRET_COLOR,
    categorical,
    sequential,
)

METHOD_LABELS = {
    "quantile": "Quantiles",
    "equal": "Intervalles égaux",
    "jenks": "Seuils naturels (Jenks)",
    "categories": "Classes de la méthode",
}
CATEGORIES_METHOD = "categories"
# Themes whose method the legend states ("Méthode").
METHOD_NOTES = {"diagnostic": tuple(method_text())}
SECRET_LABEL = "Secret statistique"
NOT_AVAILABLE_LABEL = "Non disponible"
NO_ROW_LABEL = "Pas de donnée cette année"
RESTRICTED_LABEL = "Hors du périmètre de votre convention"
KNOWN_STATUSES = ("ok", "secret", "nd", "restricted")
STATUS_COLORS = {
    "secret": SECRET_COLOR,
    "nd": NOT_AVAILABLE_COLOR,
    "restricted": RESTRICTED_COLOR,
}
# A feature's character in the hideout: its class digit, or one of these.
STATUS_MARKS = {"secret": "s", "nd": "n", "restricted": "r"}
NO_ROW_MARK = "-"


class IndicatorLike(Protocol):
    """What the choropleth needs of a catalogue `Indicator`."""

    id: str
    label: str
    unit: str
    polarity: int
    decimals: int
    theme: str
    categories: tuple[str, ...]
    definition: str


@dataclass(frozen=True)
class LegendClass:
    lower: float
    upper: float
    color: str
    label: str
    count: int


@dataclass(frozen=True)
class Legend:
    title: str
    unit: str
    year: int
    method: str
    classes: tuple[LegendClass, ...]
    secret_count: int
    not_available_count: int
    missing_count: int
    noun: str = "zones"
    restricted_count: int = 0
    method_note: tuple[str, ...] = ()  # the method in French, paragraph by paragraph
    definition: str = ""  # the indicator's definition, one click from the legend

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]

    @property
    def no_value_count(self) -> int:
        """Features drawn without a class colour: secret, not available, out of the
        convention's perimeter, or absent this year."""
        return (
            self.secret_count
            + self.not_available_count
            + self.restricted_count
            + self.missing_count
        )


@dataclass(frozen=True)
class Choropleth:
    classes: dict[str, int]  # code -> class of its published value
    labels: dict[str, str]  # code -> its published value, formatted
    legend: Legend
    statuses: dict[str, str] = field(default_factory=dict)
    palette: tuple[str, ...] = ()

    def hideout(self, order: Sequence[str], secret_text: str = SECRET_LABEL) -> dict[str, Any]:
        """The `hideout` prop of the map layer, for the features drawn in `order`.

        `classes` has one character per feature: its class digit (a colour of `palette`,
        never more than 7), a status mark of `colors` and `texts` ('s' secret, 'n' not
        available, 'r' outside the convention's perimeter) or '-' when the feature has no
        row this year.
        `labels` holds the formatted published values, "" where none is shown."""
        marks = {
            code: STATUS_MARKS.get(status, NO_ROW_MARK) for code, status in self.statuses.items()
        }
        marks.update((code, str(index)) for code, index in self.classes.items())
        return {
            "classes": "".join([marks.get(code, NO_ROW_MARK) for code in order]),
            "palette": list(self.palette),
            "labels": [self.labels.get(code, "") for code in order],
            "colors": {mark: STATUS_COLORS[status] for status, mark in STATUS_MARKS.items()},
            "texts": {
                STATUS_MARKS["secret"]: secret_text,
                STATUS_MARKS["nd"]: NOT_AVAILABLE_LABEL,
                STATUS_MARKS["restricted"]: RESTRICTED_LABEL,
                NO_ROW_MARK: NO_ROW_LABEL,
            },
            "title": f"{self.legend.title} ({self.legend.year})",
        }


def area_hideout(hideout: dict[str, Any], indices: Iterable[int]) -> dict[str, Any]:
    """`hideout` for the features of `indices` only (their `i` in the whole order).

    `classes` and `labels` become objects keyed by index (as text, as JSON keys are):
    one mark per feature, and a label only where one is shown (`assets/atlas_map.js`
    reads `classes[i]` and `labels[i]` either way). An index outside the order is left
    out; the rest of the hideout (palette, texts, title) is kept as it is."""
    classes, labels = hideout["classes"], hideout["labels"]
    kept = sorted({i for i in indices if 0 <= i < len(classes)})
    return {
        **hideout,
        "classes": {str(i): classes[i] for i in kept},
        "labels": {str(i): labels[i] for i in kept if labels[i]},
    }


def build_choropleth(
    rows: Iterable[tuple[str, float | None, str]],
    indicator: IndicatorLike,
    year: int,
    *,
    total: int,
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_CLASS_COUNT,
    noun: str = "zones",
) -> Choropleth:
    """Classify the published values; `total` is the number of features on the map, so
    that those without any row for this year are counted as missing. A categorical
    indicator (`categories`) is drawn by category, whatever `method` and `k`."""
    rows = list(rows)
    statuses = {code: _shown_status(value, status) for code, value, status in rows}
    published = {code: value for code, value, _ in rows if statuses[code] == "ok"}
    if indicator.categories:
        method = CATEGORIES_METHOD
        palette = categorical(len(indicator.categories))
        indices = [int(value) for value in published.values()]
        labels = {code: indicator.categories[int(value)] for code, value in published.items()}
    else:
        edges = class_breaks(list(published.values()), method, k)
        palette = sequential(class_count(edges), indicator.polarity) if edges else []
        indices = class_indices(list(published.values()), edges)
        labels = {
            code: format_value(value, indicator.unit, indicator.decimals)
            for code, value in published.items()
        }
    class_of = dict(zip(published, indices, strict=True))
    counts = [indices.count(index) for index in range(len(palette))]
    status_counts = Counter(statuses.values())
    classes = (
        _category_classes(indicator.categories, palette, counts)
        if indicator.categories
        else _legend_classes(edges, palette, counts, indicator)
    )
    legend = Legend(
        title=indicator.label,
        unit=indicator.unit,
        year=year,
        method=method,
        classes=classes,
        secret_count=status_counts["secret"],
        not_available_count=status_counts["nd"],
        missing_count=max(total - len(statuses), 0),
        noun=noun,
        restricted_count=status_counts["restricted"],
        method_note=METHOD_NOTES.get(indicator.theme, ()),
        definition=indicator.definition,
    )
    return Choropleth(
        classes=class_of, labels=labels, legend=legend, statuses=statuses, palette=tuple(palette)
    )


def _shown_status(value: float | None, status: str) -> str:
    """The status a feature is drawn with: a published row without a value, or with a
    status the map does not know, is not available."""
    if status not in KNOWN_STATUSES or (status == "ok" and (value is None or value != value)):
        return "nd"  # value != value: NaN
    return status


def _category_classes(
    categories: tuple[str, ...], palette: list[str], counts: list[int]
) -> tuple[LegendClass, ...]:
    """One legend row per category, in order (lower and upper: its code)."""
    return tuple(
        LegendClass(index, index, palette[index], label, counts[index])
        for index, label in enumerate(categories)
    )


def _legend_classes(
    edges: list[float], palette: list[str], counts: list[int], indicator: IndicatorLike
) -> tuple[LegendClass, ...]:
    if not edges:
        return ()
    if len(edges) == 1:
        label = format_value(edges[0], indicator.unit, indicator.decimals)
        return (LegendClass(edges[0], edges[0], palette[0], label, counts[0]),)
    return tuple(
        LegendClass(
            lower=edges[i],
            upper=edges[i + 1],
            color=palette[i],
            label=class_label(edges[i], edges[i + 1], indicator.unit, indicator.decimals),
            count=counts[i],
        )
        for i in range(len(edges) - 1)
    )
