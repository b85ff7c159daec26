"""The map legend: one row per class with its colour, range and count, then the values
that are not shown (secret, not available, absent) counted apart."""

from __future__ import annotations

from dash import html

from layouts.choropleth import NOT_AVAILABLE_LABEL, RESTRICTED_LABEL, SECRET_LABEL, Legend
from layouts.legend_labels import EMPTY_CLASS_TEXT, EMPTY_CLASS_TITLE
from layouts.palettes import NO_DATA_COLOR, NOT_AVAILABLE_COLOR, RESTRICTED_COLOR, SECRET_COLOR


def _swatch(color: str, extra_class: str = "") -> html.Span:
    return html.Span(
        className=f"legend-swatch {extra_class}".strip(),
        style={"backgroundColor": color},
        **{"aria-hidden": "true"},
    )


def _row(color: str, label: str, count: int, kind: str, swatch_class: str = "") -> html.Li:
    """A class with no value says so in words ("aucune"), with why on hover."""
    empty = kind == "class" and count == 0
    return html.Li(
        [
            _swatch(color, swatch_class),
            html.Span(label, className="legend-label"),
            html.Span(EMPTY_CLASS_TEXT if empty else f"{count}", className="legend-count"),
        ],
        className=f"legend-row legend-{kind}" + (" legend-class-empty" if empty else ""),
        title=EMPTY_CLASS_TITLE if empty else None,
        **{"data-color": color},
    )


def _plural(count: int, noun: str) -> str:
    singular = {"zones": "zone", "résidences": "résidence"}.get(noun, noun)
    return noun if count > 1 else singular


def legend_component(legend: Legend) -> html.Div:
    """The legend box drawn over the map."""
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
    body: list = [
        html.Div(f"{legend.title} — {legend.year}", className="legend-title"),
        html.Div(f"{unit} · {legend.method_label}", className="legend-meta"),
    ]
    if legend.classes:
        body.append(html.Ul(rows, className="legend-rows"))
    else:
        body.append(html.P("Aucune valeur publiée pour cette année.", className="legend-empty"))
        if rows:
            body.append(html.Ul(rows, className="legend-rows"))
    body.append(html.Div(summary, className="legend-summary"))
    if legend.definition:
        body.append(
            html.Details(
                [
                    html.Summary("Définition", className="legend-definition-link"),
                    html.P(legend.definition, className="small"),
                ],
                className="legend-definition",
            )
        )
    if legend.method_note:
        body.append(
            html.Details(
                [
                    html.Summary("Méthode", className="legend-method-link"),
                    *[html.P(paragraph, className="small") for paragraph in legend.method_note],
                ],
                className="legend-method",
            )
        )
    return html.Div(body, className="legend-box")


def empty_legend(message: str) -> html.Div:
    return html.Div(html.P(message, className="legend-empty"), className="legend-box")
