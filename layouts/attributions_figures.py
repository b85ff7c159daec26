"""The board's figures (plain plotly dicts, as `figures_panel`): bullet charts of the legal
targets, the trends of demand and allocations, bars by reservation holder and typology.
Pure builders: no data access."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from layouts.figures_panel import FONT, FRENCH_SEPARATORS, Figure

REACHED_COLOR, MISSED_COLOR, NEUTRAL_COLOR = "#009E73", "#D55E00", "#0072B2"
DEMAND_COLOR, ALLOCATION_COLOR = "#E69F00", "#0072B2"


@dataclass(frozen=True)
class Target:
    """One legal target of one zone and year, as published."""

    indicator_id: str
    label: str
    value: float | None
    status: str
    target: float | None  # None: shown for comparison, no legal target
    last_year: float | None
    allocations: float | None  # the allocations the share is taken over
    allocations_label: str

    @property
    def reached(self) -> bool | None:
        if self.value is None or self.status != "ok" or self.target is None:
            return None
        return self.value >= self.target


NOT_PUBLISHED = "non publié"


def bullet(target: Target) -> Figure:
    """A bullet chart: the value, the target as a line, last year's value as the delta;
    green when reached, vermilion when not (blue without a legal target)."""
    color = {True: REACHED_COLOR, False: MISSED_COLOR, None: NEUTRAL_COLOR}[target.reached]
    indicator: dict = {
        "type": "indicator",
        "mode": "number+gauge" + ("+delta" if target.last_year is not None else ""),
        "value": target.value,
        "number": {"suffix": " %", "valueformat": ".1f", "font": {"size": 22}},
        "gauge": {
            "shape": "bullet",
            "axis": {"range": [0, 100], "ticksuffix": " %"},
            "bar": {"color": color, "thickness": 0.6},
            "bgcolor": "#f2f2f2",
        },
        "domain": {"x": [0.28, 1], "y": [0.15, 0.85]},
        "title": {"text": "", "font": {"size": 12}},
    }
    if target.target is not None:
        indicator["gauge"]["threshold"] = {
            "line": {"color": "#222", "width": 3},
            "thickness": 0.9,
            "value": target.target,
        }
    if target.last_year is not None:
        indicator["delta"] = {
            "reference": target.last_year,
            "valueformat": ".1f",
            "suffix": " pt",
            "increasing": {"color": REACHED_COLOR},
            "decreasing": {"color": MISSED_COLOR},
        }
    return {
        "data": [indicator],
        "layout": {
            "height": 90,
            "margin": {"l": 10, "r": 20, "t": 10, "b": 25},
            "font": FONT,
            "separators": FRENCH_SEPARATORS,
        },
    }


def trends(
    years: Sequence[int],
    pending: Sequence[float | None],
    allocations: Sequence[float | None],
    pressure: Sequence[float | None],
) -> Figure:
    """Demand and allocations year by year (left axis), pressure (right axis)."""
    labels = [str(year) for year in years]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Demandes en attente au 31/12",
                "x": labels,
                "y": list(pending),
                "line": {"color": DEMAND_COLOR},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Attributions de l'année",
                "x": labels,
                "y": list(allocations),
                "line": {"color": ALLOCATION_COLOR},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Pression (demandes par attribution)",
                "x": labels,
                "y": list(pressure),
                "yaxis": "y2",
                "line": {"color": "#555", "dash": "dot"},
            },
        ],
        "layout": {
            "height": 280,
            "margin": {"l": 60, "r": 60, "t": 10, "b": 40},
            "font": FONT,
            "separators": FRENCH_SEPARATORS,
            "yaxis": {"title": {"text": "demandes, attributions"}, "rangemode": "tozero"},
            "yaxis2": {
                "title": {"text": "pression"},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "showgrid": False,
            },
            "legend": {"orientation": "h", "y": -0.2},
        },
    }


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], str]],
    target: float | None = None,
    unit: str = " %",
    height: int = 260,
) -> Figure:
    """Grouped horizontal bars: (name, values, colour) per series over the categories,
    with an optional target line. A value not published (None: secret or missing) has
    no bar: "non publié" is written at the axis in its place, where nothing would read
    as zero."""
    figure: Figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": list(categories),
                "x": list(values),
                "marker": {"color": color},
                "texttemplate": f"%{{x:.1f}}{unit}",
                "textposition": "outside",
                "cliponaxis": False,
            }
            for name, values, color in series
        ],
        "layout": {
            "height": height,
            "barmode": "group",
            "margin": {"l": 170, "r": 50, "t": 10, "b": 40},
            "font": FONT,
            "separators": FRENCH_SEPARATORS,
            "xaxis": {"ticksuffix": unit, "rangemode": "tozero"},
            "yaxis": {"autorange": "reversed"},
            "legend": {"orientation": "h", "y": -0.25},
            "annotations": _not_published(len(categories), [v for _, v, _ in series]),
        },
    }
    if target is not None:
        figure["layout"]["shapes"] = [
            {
                "type": "line",
                "x0": target,
                "x1": target,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#222", "width": 2, "dash": "dash"},
            }
        ]
    return figure


def _not_published(categories: int, series: Sequence[Sequence[float | None]]) -> list[dict]:
    """A "non publié" note where each missing bar of a group would be (plotly's default
    group: 80 % of a category's height shared by the series)."""
    width = 0.8 / len(series)
    return [
        {
            "x": 0,
            "y": row - 0.4 + (position + 0.5) * width,
            "xref": "x",
            "yref": "y",
            "text": NOT_PUBLISHED,
            "xanchor": "left",
            "showarrow": False,
            "font": {"size": 11, "color": "#595959"},
        }
        for position, values in enumerate(series)
        for row, value in enumerate(values)
        if value is None and row < categories
    ]
