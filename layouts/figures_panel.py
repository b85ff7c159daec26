"""Small plotly figures of the panel and the comparison: pure builders, no data access.

Figures are plain plotly JSON dicts rather than `plotly.graph_objects`: building a graph
object validates every property and costs ~100 ms per small chart, which a panel with
seven charts cannot afford on each click. Every value a user reads (hover, bar labels)
goes through `layouts.formatting`; axis ticks use the French separators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from layouts.formatting import NBSP, format_value

# Okabe–Ito colours (colour-blind safe) for the zones, in order; the EPCI is always grey.
ZONE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
EPCI_COLOR = "#7f7f7f"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 11}
FRENCH_SEPARATORS = ", "
# Room for the axis labels and the legend, in pixels at `FONT` size: an average digit's
# width, the tick's padding, the x labels' height and a horizontal legend's below them.
DIGIT_WIDTH = 6.5
TICK_PADDING = 12
X_LABELS_HEIGHT = 26
LEGEND_HEIGHT = 38

Figure = dict[str, Any]


@dataclass(frozen=True)
class Bar:
    """One value of a chart with how it is published ('ok', 'secret', 'nd')."""

    value: float | None
    status: str = "ok"

    @property
    def plotted(self) -> float | None:
        return self.value if self.status == "ok" else None


@dataclass(frozen=True)
class BarSeries:
    """One group of bars: a zone's values over the chart's categories."""

    name: str
    bars: tuple[Bar, ...]
    color: str = ZONE_COLORS[0]


@dataclass(frozen=True)
class LinePoint:
    year: int
    value: float | None
    status: str = "ok"


def level_color(index: int, scale: str) -> str:
    """The colour of the zone at this position of a chart; the EPCI is always grey."""
    return EPCI_COLOR if scale == "epci" else ZONE_COLORS[index % len(ZONE_COLORS)]


def _layout(title: str, height: int, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 12}, "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 28, "b": 8},
        "font": FONT,
        "separators": FRENCH_SEPARATORS,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 10}},
        "hoverlabel": {"font": FONT},
        "xaxis": {"automargin": True},
        "yaxis": {
            "automargin": True,
            "gridcolor": "#e5e5e5",
            "zeroline": False,
            "rangemode": "tozero",
            "ticksuffix": f"{NBSP}%" if unit == "%" else "",
            "separatethousands": True,
            "exponentformat": "none",
        },
        **extra,
    }


def with_room(figure: Figure) -> Figure:
    """The figure with margins that already hold its y labels and its legend.

    plotly's automargin (kept, for long category labels) draws a chart twice when its
    labels need more room than the margins: once, then again with the margins they push.
    Margins measured beforehand spare that second drawing, about half of a chart's time
    (the sheet draws its charts on every zone, indicator or year)."""
    layout = figure["layout"]
    values = [
        abs(value)
        for trace in figure["data"]
        for value in trace.get("y", ())
        if isinstance(value, int | float)
    ]
    top = max(values, default=0.0)
    # plotly's ticks are whole numbers from 3 up, tenths below
    label = f"{top:,.0f}".replace(",", " ") if top >= 3 else f"{top:.1f}"
    characters = len(label) + len(layout["yaxis"].get("ticksuffix", ""))
    legend = layout.get("showlegend", len(figure["data"]) > 1)
    margin = {
        **layout["margin"],
        "l": TICK_PADDING + round(DIGIT_WIDTH * characters),
        "b": X_LABELS_HEIGHT + (LEGEND_HEIGHT if legend else 0),
    }
    return {**figure, "layout": {**layout, "margin": margin}}


def distribution_figure(
    title: str,
    categories: Sequence[str],
    series: Sequence[BarSeries],
    *,
    unit: str = "%",
    decimals: int = 1,
    height: int = 210,
) -> Figure:
    """Grouped bars: the share of each category, for the zone and its references."""
    data = []
    for group in series:
        if len(group.bars) != len(categories):
            raise ValueError(
                f"{group.name}: {len(group.bars)} values for {len(categories)} categories"
            )
        data.append(
            {
                "type": "bar",
                "name": group.name,
                "x": list(categories),
                "y": [bar.plotted for bar in group.bars],
                "customdata": [
                    format_value(bar.value, unit, decimals, bar.status) for bar in group.bars
                ],
                "hovertemplate": f"{group.name}<br>%{{x}} : %{{customdata}}<extra></extra>",
                "marker": {"color": group.color},
            }
        )
    layout = _layout(title, height, unit, barmode="group", bargap=0.25)
    layout["showlegend"] = len(series) > 1
    return with_room({"data": data, "layout": layout})


def series_figure(
    title: str,
    lines: Sequence[tuple[str, str, Sequence[LinePoint]]],
    *,
    unit: str,
    decimals: int,
    height: int = 220,
) -> Figure:
    """The indicator over the vintages: one line per zone; unpublished years are gaps."""
    years = sorted({point.year for _, _, points in lines for point in points})
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [point.year for point in points],
            "y": [point.value if point.status == "ok" else None for point in points],
            "customdata": [format_value(p.value, unit, decimals, p.status) for p in points],
            "hovertemplate": f"{name}<br>%{{x}} : %{{customdata}}<extra></extra>",
            "line": {"color": color, "width": 2},
            "connectgaps": False,
        }
        for name, color, points in lines
        if points
    ]
    layout = _layout(title, height, unit)
    layout["xaxis"] |= {"tickmode": "array", "tickvals": years, "ticktext": [str(y) for y in years]}
    return with_room({"data": data, "layout": layout})


def compare_bar_figure(
    title: str,
    bars: Sequence[tuple[str, Bar]],
    *,
    unit: str,
    decimals: int,
    reference: tuple[str, Bar] | None = None,
    height: int = 260,
) -> Figure:
    """One bar per pinned zone, with the EPCI value as a dashed reference line."""
    texts = [format_value(bar.value, unit, decimals, bar.status) for _, bar in bars]
    data = [
        {
            "type": "bar",
            "x": [name for name, _ in bars],
            "y": [bar.plotted for _, bar in bars],
            "text": texts,
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "%{x} : %{text}<extra></extra>",
            "marker": {"color": [ZONE_COLORS[i % len(ZONE_COLORS)] for i in range(len(bars))]},
        }
    ]
    layout = _layout(title, height, unit, showlegend=False)
    if reference is not None and reference[1].plotted is not None:
        name, bar = reference
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": bar.value,
                "y1": bar.value,
                "line": {"dash": "dash", "color": EPCI_COLOR, "width": 1.5},
            }
        ]
        layout["annotations"] = [
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "y": bar.value,
                "yanchor": "bottom",
                "text": f"{name} : {format_value(bar.value, unit, decimals)}",
                "showarrow": False,
                "font": {"size": 10, "color": "#555"},
            }
        ]
    return with_room({"data": data, "layout": layout})
