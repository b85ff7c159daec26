"""Comparing up to four pinned zones: the pin rules, a side-by-side table and a bar chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from data.catalog import CATALOG
from data.store.types import NOT_AVAILABLE, Measure, ZoneRef
from layouts.figures_panel import Bar, compare_bar_figure
from layouts.ids import CompareIds
from layouts.panel_common import COUNT_UNITS, figures_table, graph, shown_indicators
from layouts.panel_labels import (
    COMPARE_EMPTY_TEXT,
    KEY_FIGURES,
    level_name,
    scale_name,
)

DEFAULT_COMPARED = "parc.vacancy_rate_offered"


def _zone_header(zone: ZoneRef) -> html.Div:
    return html.Div(
        [
            html.Span(zone.name, className="compare-zone-name"),
            html.Small(scale_name(zone.scale), className="text-muted d-block"),
            html.Button(
                "Retirer",
                id={"type": CompareIds.UNPIN_BUTTON_TYPE, "scale": zone.scale, "code": zone.code},
                className="btn btn-link btn-sm p-0 compare-unpin",
                title=f"Retirer {zone.name} de la comparaison",
                n_clicks=0,
            ),
        ]
    )


def compare_view(
    rows: Sequence[tuple[ZoneRef, dict[str, Measure]]],
    *,
    reference: tuple[ZoneRef, dict[str, Measure]] | None,
    indicator_id: str | None,
    year: int | None,
    communes: Sequence[tuple[ZoneRef, dict[str, Measure]]] = (),
) -> html.Div:
    """The comparison of the pinned zones, with the EPCI as a reference column and line;
    `communes`: the communes of the pinned IRIS, as columns between the zones and the EPCI."""
    if not rows:
        return html.Div(html.P(COMPARE_EMPTY_TEXT, className="text-muted"), className="compare")
    columns = [*rows, *communes, *([reference] if reference else [])]
    ids = {i for _, values in columns for i in values}
    measures = {i: [values.get(i, NOT_AVAILABLE) for _, values in columns] for i in ids}
    scales = {zone.scale for zone, _ in rows}
    key = [
        indicator
        for scale in sorted(scales)
        for indicator in shown_indicators(KEY_FIGURES, measures, scale)
    ]
    key = sorted(set(key), key=lambda indicator: KEY_FIGURES.index(indicator.id))
    table = figures_table(
        [zone for zone, _ in columns],
        measures,
        key,
        year=year,
        highlighted=indicator_id,
        headers=[_zone_header(zone) for zone, _ in rows],
    )
    chosen = indicator_id if indicator_id in measures else DEFAULT_COMPARED
    body: list[Any] = [html.Div(table, className="compare-table")]
    if chosen in CATALOG and chosen in measures:
        indicator = CATALOG[chosen]
        bars = [(zone.name, _bar(values.get(chosen, NOT_AVAILABLE))) for zone, values in rows]
        ref_bar = None
        if reference and indicator.unit not in COUNT_UNITS:  # the EPCI's count dwarfs zones
            ref_zone, ref_values = reference
            ref_bar = (
                level_name(ref_zone.scale, ref_zone.name),
                _bar(ref_values.get(chosen, NOT_AVAILABLE)),
            )
        figure = compare_bar_figure(
            indicator.label,
            bars,
            unit=indicator.unit,
            decimals=indicator.decimals,
            reference=ref_bar,
        )
        body.append(html.Div(graph(figure, "compare"), className="compare-chart"))
    title = f"Comparaison de {len(rows)} zone{'s' if len(rows) > 1 else ''}"
    return html.Div(
        [html.H3(title, className="panel-section-title"), html.Div(body, className="compare-body")],
        className="compare",
    )


def _bar(measure: Measure) -> Bar:
    return Bar(measure.value, measure.status)


def pin_limit_alert(message: str | None) -> Any:
    return dbc.Alert(message, color="warning", className="py-1 px-2 mb-0") if message else None
