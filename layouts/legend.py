"""The map legend: one row per class with its colour, range and count, then the values
that are not shown (secret, not available, absent) counted apart."""

from __future__ import annotations

from dash_extensions import Purify

from layouts.choropleth import NOT_AVAILABLE_LABEL, RESTRICTED_LABEL, SECRET_LABEL, Legend
from layouts.html_block import Markup, element, html_block
from layouts.legend_labels import EMPTY_CLASS_TEXT, EMPTY_CLASS_TITLE
from layouts.palettes import NO_DATA_COLOR, NOT_AVAILABLE_COLOR, RESTRICTED_COLOR, SECRET_COLOR


def _swatch(color: str, extra_class: str = "") -> Markup:
    return element(
        "span",
        class_=f"legend-swatch {extra_class}".strip(),
        style=f"background-color: {color}",
        aria_hidden="true",
    )


def _row(color: str, label: str, count: int, kind: str, swatch_class: str = "") -> Markup:
    """A class with no value says so in words ("aucune"), with why on hover."""
    empty = kind == "class" and count == 0
    return element(
        "li",
        [
            _swatch(color, swatch_class),
            element("span", label, class_="legend-label"),
            element("span", EMPTY_CLASS_TEXT if empty else f"{count}", class_="legend-count"),
        ],
        class_=f"legend-row legend-{kind}" + (" legend-class-empty" if empty else ""),
        title=EMPTY_CLASS_TITLE if empty else None,
        data_color=color,
    )


def _plural(count: int, noun: str) -> str:
    singular = {"zones": "zone", "résidences": "résidence"}.get(noun, noun)
    return noun if count > 1 else singular


def _note(summary: str, paragraphs: list[str], name: str) -> Markup:
    """A folded note under the legend: its summary opens it."""
    return element(
        "details",
        [
            element("summary", summary, class_=f"legend-{name}-link"),
            *[element("p", paragraph, class_="small") for paragraph in paragraphs],
        ],
        class_=f"legend-{name}",
    )


def legend_component(legend: Legend) -> Purify:
    """The legend box drawn over the map, as one HTML block: the legend is drawn anew on
    every change of indicator or year, and each Dash component costs the browser on
    every update of the page (`layouts/html_block.py`)."""
    unit = f"Unité : {legend.unit}" if legend.unit else "Sans unité"
    rows = [
        _row(cls.color, cls.label, cls.count, "class")
        for cls in reversed(legend.classes)  # the highest class on top, as on a scale
    ]
    if legend.secret_count:
        rows.append(_row(SECRET_COLOR, SECRET_LABEL, legend.secret_count, "secret"))
    if legend.not_available_count:
        rows.append(
            _row(NOT_AVAILABLE_COLOR, NOT_AVAILABLE_LABEL, legend.not_available_count, "nd")
        )
    if legend.restricted_count:
        rows.append(_row(RESTRICTED_COLOR, RESTRICTED_LABEL, legend.restricted_count, "restricted"))
    if legend.missing_count:
        rows.append(_row(NO_DATA_COLOR, "Sans donnée cette année", legend.missing_count, "missing"))
    no_value = legend.no_value_count
    summary = (
        f"{no_value} {_plural(no_value, legend.noun)} sans valeur"
        if no_value
        else f"Toutes les {legend.noun} ont une valeur"
    )
    body: list[Markup] = [
        element("div", f"{legend.title} — {legend.year}", class_="legend-title"),
        element("div", f"{unit} · {legend.method_label}", class_="legend-meta"),
    ]
    if not legend.classes:
        body.append(element("p", "Aucune valeur publiée pour cette année.", class_="legend-empty"))
    if rows:
        body.append(element("ul", rows, class_="legend-rows"))
    body.append(element("div", summary, class_="legend-summary"))
    if legend.definition:
        body.append(_note("Définition", [legend.definition], "definition"))
    if legend.method_note:
        body.append(_note("Méthode", list(legend.method_note), "method"))
    return html_block(Markup("".join(body)), "legend-box")


def empty_legend(message: str) -> Purify:
    return html_block(element("p", message, class_="legend-empty"), "legend-box")
