"""The explorer's controls: scale, theme, indicator, year, classes, overlays, search.

Options and values are filled by the state callback (`callbacks/explorer_state.py`) from the
catalogue, the warehouse and the user's convention; here only the frame and the option
builders, which are pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from data.catalog import MAP_SCALES, SCALE_NAMES
from layouts.accessibility import DROPDOWN_LABELS
from layouts.choropleth import METHOD_LABELS
from layouts.classification import METHODS
from layouts.compact import layers_menu
from layouts.ids import CompactIds, ControlIds
from layouts.indicator_picker import grouped_indicator_options, picker_definition
from layouts.map_state import OVERLAY_LABELS, OVERLAYS
from layouts.search_placeholder import search_placeholder


def theme_options(themes: Iterable[str], labels: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"label": labels.get(theme, theme), "value": theme} for theme in themes]


def indicator_options(indicators: Iterable[tuple[str, str]]) -> list[dict]:
    """`(id, label)` pairs → dropdown options, grouped by sub-theme."""
    return grouped_indicator_options(indicators)


def year_options(years: Sequence[int]) -> list[dict[str, object]]:
    """Most recent first."""
    return [{"label": str(year), "value": year} for year in reversed(years)]


def search_option(scale: str, code: str, name: str, detail: str | None) -> dict[str, str]:
    """One search result: "IRIS — Épeule (Roubaix)"; the value is 'scale:code'."""
    suffix = f" ({detail})" if detail else ""
    names = SCALE_NAMES.get(scale)
    label = f"{names.one if names else scale} — {name}{suffix}"
    return {"label": label, "value": f"{scale}:{code}"}


@dataclass(frozen=True)
class ControlsInit:
    """The controls' first values and options (the default view for this user), so that
    the first map is drawn without waiting for the state callback."""

    scale: str
    theme: str
    theme_options: list[dict[str, str]]
    indicator: str
    indicator_options: list[dict[str, str]]
    year: int | None
    year_options: list[dict[str, object]]
    scales: tuple[str, ...] = MAP_SCALES  # the scales of this territory's map


def _labelled(
    label: str,
    control: Component,
    *beside: Component,
    label_for: str | None = None,
    **wrapper: str,
) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=label_for or control.id, className="control-label"),
            control,
            *beside,
        ],
        className="control",
        **wrapper,
    )


def controls_bar(init: ControlsInit | None) -> html.Div:
    """The bar above the map; the permalink's values replace `init` on load."""
    init = init or ControlsInit("commune", "", [], "", [], None, [])
    return html.Div(
        [
            _labelled(
                "Échelle",
                dbc.RadioItems(
                    id=ControlIds.SCALE,
                    options=[{"label": SCALE_NAMES[s].many, "value": s} for s in init.scales],
                    value=init.scale,
                    inline=True,
                    className="btn-group scale-group",
                    inputClassName="btn-check",
                    labelClassName="btn btn-outline-primary btn-sm",
                    labelCheckedClassName="active",
                ),
            ),
            _labelled(
                "Thème",
                dcc.Dropdown(
                    id=ControlIds.THEME,
                    labels=DROPDOWN_LABELS,
                    options=init.theme_options,
                    value=init.theme or None,
                    clearable=False,
                    searchable=False,
                ),
            ),
            _labelled(
                "Indicateur",
                dcc.Dropdown(
                    id=ControlIds.INDICATOR,
                    labels=DROPDOWN_LABELS,
                    options=init.indicator_options,
                    value=init.indicator or None,
                    clearable=False,
                    optionHeight=48,
                ),
                picker_definition(init.indicator or None),
            ),
            _labelled(
                "Millésime",
                dcc.Dropdown(
                    id=ControlIds.YEAR,
                    labels=DROPDOWN_LABELS,
                    options=init.year_options,
                    value=init.year,
                    clearable=False,
                    searchable=False,
                ),
            ),
            _labelled(
                "Classes",
                dcc.Dropdown(
                    id=ControlIds.CLASSES,
                    labels=DROPDOWN_LABELS,
                    options=[{"label": METHOD_LABELS[m], "value": m} for m in METHODS],
                    value="quantile",
                    clearable=False,
                    searchable=False,
                ),
                id=CompactIds.CLASSES_CONTROL,
            ),
            _labelled(
                "Couches",
                layers_menu(
                    dbc.Checklist(
                        id=ControlIds.LAYERS,
                        options=[{"label": OVERLAY_LABELS[o], "value": o} for o in OVERLAYS],
                        value=[],
                        switch=True,
                        className="layers-list",
                    )
                ),
                label_for=CompactIds.LAYERS_BUTTON,
            ),
            _labelled(
                "Recherche",
                dcc.Dropdown(
                    id=ControlIds.SEARCH,
                    labels=DROPDOWN_LABELS,
                    placeholder=search_placeholder(init.scales),
                    searchable=True,
                    clearable=True,
                    options=[],
                ),
            ),
            html.Div(id=ControlIds.NOTICE, className="permalink-notice", role="status"),
        ],
        className="controls-bar",
        id=ControlIds.BAR,
    )
