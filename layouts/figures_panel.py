"""Small plotly figures of the panel and the comparison: pure builders, no data access.

Every value a user reads (hover, bar labels) goes through `layouts.formatting`; plotly's
own axis ticks use the French separators (decimal comma, thin thousands space).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from layouts.formatting import format_value

# Okabe–Ito colours (colour-blind safe) for the zones, in order; the EPCI is always grey.
ZONE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
EPCI_COLOR = "#7f7f7f"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 11}
FRENCH_SEPARATORS = ", "


@dataclass(frozen=True)
class Bar:
    """One value of a chart with how it is published ('ok', 'secret', 'nd')."""

    value: float | None
    status: str = "ok"


@dataclass(frozen=True)
class BarSeries:
    """One group of bars: a zone's values over the chart's categories."""

    name: str
    bars: tuple[Bar, ...]
    color: str = ZONE_COLORS[0]


def _base_layout(figure: go.Figure, *, height: int, title: str = "") -> go.Figure:
    figure.update_layout(
        title={"text": title, "font": {"size": 12}, "x": 0, "xanchor": "left"} if title else None,
        height=height,
        margin={"l": 8, "r": 8, "t": 28 if title else 8, "b": 8},
        font=FONT,
        separators=FRENCH_SEPARATORS,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 10}},
        hoverlabel={"font": FONT},
    )
    figure.update_yaxes(gridcolor="#e5e5e5", zeroline=False, automargin=True)
    figure.update_xaxes(automargin=True)
    return figure


def _texts(bars: Sequence[Bar], unit: str, decimals: int) -> list[str]:
    return [format_value(bar.value, unit, decimals, bar.status) for bar in bars]


def distribution_figure(
    title: str,
    categories: Sequence[str],
    series: Sequence[BarSeries],
    *,
    unit: str = "%",
    decimals: int = 1,
    height: int = 210,
) -> go.Figure:
    """Grouped bars: the share of each category, for the zone and its references."""
    figure = go.Figure()
    for group in series:
        if len(group.bars) != len(categories):
            raise ValueError(
                f"{group.name}: {len(group.bars)} values for {len(categories)} categories"
            )
        figure.add_bar(
            name=group.name,
            x=list(categories),
            y=[bar.value if bar.status == "ok" else None for bar in group.bars],
            customdata=_texts(group.bars, unit, decimals),
            hovertemplate=f"{group.name}<br>%{{x}} : %{{customdata}}<extra></extra>",
            marker_color=group.color,
        )
    figure.update_layout(barmode="group", bargap=0.25, showlegend=len(series) > 1)
    figure.update_yaxes(ticksuffix=f"\u00a0{unit}" if unit == "%" else "", rangemode="tozero")
    return _base_layout(figure, height=height, title=title)


@dataclass(frozen=True)
class LinePoint:
    year: int
    value: float | None
    status: str = "ok"


def level_color(index: int, scale: str) -> str:
    """The colour of the zone at this position of a chart; the EPCI is always grey."""
    return EPCI_COLOR if scale == "epci" else ZONE_COLORS[index % len(ZONE_COLORS)]


def series_figure(
    title: str,
    lines: Sequence[tuple[str, str, Sequence[LinePoint]]],
    *,
    unit: str,
    decimals: int,
    height: int = 220,
) -> go.Figure:
    """The indicator over the vintages: one line per zone; unpublished years are gaps."""
    figure = go.Figure()
    years = sorted({point.year for _, _, points in lines for point in points})
    for name, color, points in lines:
        if not points:
            continue
        figure.add_scatter(
            name=name,
            x=[point.year for point in points],
            y=[point.value if point.status == "ok" else None for point in points],
            customdata=[format_value(p.value, unit, decimals, p.status) for p in points],
            hovertemplate=f"{name}<br>%{{x}} : %{{customdata}}<extra></extra>",
            mode="lines+markers",
            line={"color": color, "width": 2},
            connectgaps=False,
        )
    figure.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    figure.update_yaxes(ticksuffix="\u00a0%" if unit == "%" else "")
    return _base_layout(figure, height=height, title=title)


def compare_bar_figure(
    title: str,
    bars: Sequence[tuple[str, Bar]],
    *,
    unit: str,
    decimals: int,
    reference: tuple[str, Bar] | None = None,
    height: int = 260,
) -> go.Figure:
    """One bar per pinned zone, with the EPCI value as a dashed reference line."""
    names = [name for name, _ in bars]
    values = [bar for _, bar in bars]
    texts = _texts(values, unit, decimals)
    figure = go.Figure(
        go.Bar(
            x=names,
            y=[bar.value if bar.status == "ok" else None for bar in values],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x} : %{text}<extra></extra>",
            marker_color=[ZONE_COLORS[i % len(ZONE_COLORS)] for i in range(len(bars))],
        )
    )
    if reference is not None and reference[1].status == "ok" and reference[1].value is not None:
        name, bar = reference
        figure.add_hline(
            y=bar.value,
            line={"dash": "dash", "color": EPCI_COLOR, "width": 1.5},
            annotation_text=f"{name} : {format_value(bar.value, unit, decimals)}",
            annotation_position="top right",
            annotation_font={"size": 10, "color": "#555"},
        )
    figure.update_layout(showlegend=False)
    figure.update_yaxes(ticksuffix="\u00a0%" if unit == "%" else "", rangemode="tozero")
    return _base_layout(figure, height=height, title=title)
