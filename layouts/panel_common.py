"""Pieces shared by the zone panel, the residence panel and the comparison."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from plotly.io.json import to_json_plotly

from data.catalog import CATALOG, Indicator
from data.store.types import Measure, ZoneRef
from layouts.accessibility import chart_summary, chart_text
from layouts.figures_panel import Bar, BarSeries, Figure, distribution_figure, level_color
from layouts.formatting import SECRET_TEXT, SECRET_TITLE, format_value
from layouts.ids import PanelIds
from layouts.panel_labels import ChartGroup, level_name

# Units a row label already names ("Logements sociaux", "Ménages enquêtés").
COUNT_UNITS = ("logements", "ménages")
# No plotly locale: plotly ships only English and silently ignores an unregistered one; the
# French number separators are set in each figure's layout (`figures_panel`).
GRAPH_CONFIG = {"displayModeBar": False}


def select_link(scale: str, code: str, text: str, **kwargs: Any) -> html.Button:
    """A link-styled button that opens a zone or a residence (the state selects it)."""
    return html.Button(
        text,
        id={"type": PanelIds.SELECT_LINK_TYPE, "scale": scale, "code": code},
        className="btn btn-link panel-link",
        n_clicks=0,
        **kwargs,
    )


def row_label(indicator: Indicator) -> str:
    """The label of a table row, with the unit its cells leave out (see `measure_text`)."""
    if indicator.unit in ("%", *COUNT_UNITS):
        return indicator.label
    return f"{indicator.label} ({indicator.unit})"


def measure_text(indicator: Indicator, measure: Measure, year: int | None) -> list[Any]:
    """The formatted value, with its vintage when it is not the selected year.

    Table cells keep only "%" as a unit so that four columns fit the panel; the other
    units are in the row label."""
    unit = indicator.unit if indicator.unit == "%" else ""
    if measure.status == "secret":
        text: list[Any] = [html.Span(SECRET_TEXT, title=SECRET_TITLE, className="value-secret")]
    elif indicator.categories and measure.status == "ok" and measure.value is not None:
        text = [indicator.categories[int(measure.value)]]
    else:
        text = [format_value(measure.value, unit, indicator.decimals, measure.status)]
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
) -> html.Div:
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
                [html.Th(row_label(indicator), scope="row", title=indicator.definition)]
                + [
                    html.Td(measure_text(indicator, measure, year), className="text-end")
                    for measure in row_measures
                ],
                className="table-active" if indicator.id == highlighted else None,
            )
        )
    return html.Div(
        dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, className="panel-figures"),
        className="table-scroll",
    )


def _graph_props(figure: Figure, name: str) -> dict[str, Any]:
    return {
        "figure": figure,
        "config": GRAPH_CONFIG,
        "responsive": True,
        "style": {"height": f"{figure['layout']['height']}px"},
        "className": f"panel-graph panel-graph-{name}",
    }


def _with_text(chart: Any, figure: Figure) -> html.Figure:
    """A chart with its text equivalent (summary and data table) for screen readers and
    keyboard users."""
    return html.Figure(
        [chart, chart_text(figure)],
        className="panel-figure",
        **{"aria-label": chart_summary(figure)},
    )


def graph(figure: Figure, name: str) -> html.Figure:
    """A figure that fills the panel's width at the height its builder chose, with its
    text equivalent."""
    return _with_text(dcc.Graph(**_graph_props(figure, name)), figure)


def lazy_graph(figure: Figure, name: str) -> html.Figure:
    """As `graph`, the chart drawn by the browser when it comes into view
    (assets/atlas_lazy_charts.js): a sheet shows without waiting for the charts below the
    fold, and a chart whose figure did not change is not drawn again. Its place keeps the
    chart's height; its text equivalent is there at once."""
    props = _graph_props(figure, name)
    placeholder = html.Div(
        id={"type": PanelIds.LAZY_CHART_TYPE, "name": name},
        className="panel-graph-lazy",
        style=props["style"],
        **{"data-graph": to_json_plotly(props)},
    )
    return _with_text(placeholder, figure)


def section(title: str, *children: Any, name: str) -> html.Section:
    return html.Section(
        [html.H3(title, className="panel-section-title"), *children],
        className=f"panel-section panel-section-{name}",
    )


def distribution_chart(
    levels: Sequence[ZoneRef],
    measures: dict[str, Sequence[Measure]],
    group: ChartGroup,
    lazy: bool = False,
) -> html.Div | None:
    """Grouped bars of one chart group for the first level and its references (`lazy`:
    drawn when in view, `lazy_graph`); None when the catalogue does not compute the group
    at the first level's scale."""
    scale = levels[0].scale
    categories = [
        (indicator_id, label)
        for indicator_id, label in group.categories
        if indicator_id in measures and scale in CATALOG[indicator_id].scales
    ]
    if not categories:
        return None
    series = [
        BarSeries(
            level_name(level.scale, level.name),
            tuple(Bar(measures[i][index].value, measures[i][index].status) for i, _ in categories),
            level_color(index, level.scale),
        )
        for index, level in enumerate(levels)
    ]
    figure = distribution_figure(group.title, [label for _, label in categories], series)
    first = series[0].bars
    caption = None
    if all(bar.status != "ok" for bar in first):
        hidden = "secret" if any(bar.status == "secret" for bar in first) else "n.d."
        caption = html.Small(f"{series[0].name} : {hidden}", className="text-muted")
    drawn = (lazy_graph if lazy else graph)(figure, group.title.split()[0].lower())
    return html.Div([drawn, caption])


def distribution_charts(
    levels: Sequence[ZoneRef],
    measures: dict[str, Sequence[Measure]],
    groups: Iterable[ChartGroup],
    lazy: bool = False,
) -> list[html.Div]:
    return [
        chart for group in groups if (chart := distribution_chart(levels, measures, group, lazy))
    ]
