"""Pieces shared by the zone panel, the residence panel and the comparison."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.catalog import CATALOG, Indicator
from data.store import Measure, ZoneRef
from layouts.formatting import format_value
from layouts.panel_labels import level_name

SELECT_LINK = "panel-select"
PIN_BUTTON = "panel-pin"
PIN_MESSAGE = "panel-pin-message"
UNPIN_BUTTON = "compare-unpin"
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True, "locale": "fr"}


def select_link(scale: str, code: str, text: str, **kwargs: Any) -> html.Button:
    """A link-styled button that opens a zone or a residence (writes `selection`)."""
    return html.Button(
        text,
        id={"type": SELECT_LINK, "scale": scale, "code": code},
        className="btn btn-link panel-link",
        n_clicks=0,
        **kwargs,
    )


def measure_text(indicator: Indicator, measure: Measure, year: int | None) -> list[Any]:
    """The formatted value, with its vintage when it is not the selected year."""
    text: list[Any] = [
        format_value(measure.value, indicator.unit, indicator.decimals, measure.status)
    ]
    if measure.year is not None and year is not None and measure.year != year:
        text.append(html.Small(f" ({measure.year})", className="text-muted"))
    return text


def shown_indicators(
    candidates: Iterable[str], measures: dict[str, Sequence[Measure]], scale: str
) -> list[Indicator]:
    """The catalogue indicators among `candidates` that exist at `scale` and were returned."""
    return [
        CATALOG[indicator_id]
        for indicator_id in candidates
        if indicator_id in CATALOG
        and indicator_id in measures
        and scale in CATALOG[indicator_id].scales
    ]


def figures_table(
    levels: Sequence[ZoneRef],
    measures: dict[str, Sequence[Measure]],
    indicators: Sequence[Indicator],
    *,
    year: int | None,
    highlighted: str | None = None,
    headers: Sequence[Any] | None = None,
) -> dbc.Table:
    """Rows of indicators, one column per level (the zone, then its references).

    `headers` replaces the column titles of the first levels (default: their names)."""
    titles: list[Any] = [level_name(level.scale, level.name) for level in levels]
    titles[: len(headers or ())] = headers or ()
    header = html.Thead(
        html.Tr(
            [html.Th("Indicateur", scope="col")]
            + [html.Th(title, scope="col", className="text-end") for title in titles]
        )
    )
    rows = []
    for indicator in indicators:
        row_measures = measures[indicator.id]
        rows.append(
            html.Tr(
                [html.Th(indicator.label, scope="row", title=indicator.definition)]
                + [
                    html.Td(measure_text(indicator, measure, year), className="text-end")
                    for measure in row_measures
                ],
                className="table-active" if indicator.id == highlighted else None,
            )
        )
    return dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, className="panel-figures")


def graph(figure: Any, name: str) -> dcc.Graph:
    return dcc.Graph(
        figure=figure, config=GRAPH_CONFIG, className=f"panel-graph panel-graph-{name}"
    )


def section(title: str, *children: Any, name: str) -> html.Section:
    return html.Section(
        [html.H3(title, className="panel-section-title"), *children],
        className=f"panel-section panel-section-{name}",
    )
