"""Restyle the map when the scale, indicator, year or classes change.

The layer of the chosen scale gets its geometry URL (fetched once per scale by the
browser) and a new `hideout` (classes and tooltips, one per feature); the other layer is
emptied. The legend is redrawn from the same classification.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from auth.access import current_scope
from auth.scope import AccessScope
from callbacks.map_geodata import GeodataUrls
from callbacks.permalink import state_context
from data.catalog import CATALOG
from data.store import Store
from layouts.choropleth import SECRET_LABEL, Choropleth, build_choropleth
from layouts.classification import DEFAULT_METHOD, METHODS
from layouts.ids import ControlIds, MapIds, PageIds
from layouts.legend import empty_legend, legend_component
from layouts.map_state import MAP_SCALES, parse_query
from layouts.panel_labels import secret_residence_text

UNAVAILABLE = "Cet indicateur n'est pas disponible à cette échelle pour ce millésime."


@dataclass(frozen=True)
class MapStyle:
    zone_url: str | None
    zone_hideout: dict[str, Any]
    residence_url: str | None
    residence_hideout: dict[str, Any]
    legend: html.Div


def secret_text(scale: str, theme: str, threshold: int) -> str:
    """The tooltip of a hidden value, but for a residence flagged secret (see below):
    too few units that year, or secondary secrecy."""
    if scale != "residence":
        return SECRET_LABEL
    unit = "ménages" if theme == "occupation" else "logements"
    return f"{SECRET_LABEL} (moins de {threshold} {unit}, ou secret secondaire)"


def choropleth(
    store: Store, scope: AccessScope, scale: str, indicator_id: str, year: int, method: str
) -> Choropleth | None:
    """The classified values, or None when this indicator cannot be shown here."""
    indicator = CATALOG.get(indicator_id or "")
    if (
        indicator is None
        or scale not in indicator.scales
        or not scope.grants(indicator.theme)
        or year not in store.indicator_years.get(indicator.id, ())
    ):
        return None
    method = method if method in METHODS else DEFAULT_METHOD
    if store.depends_on_perimeter(scale, indicator.id, year):
        # depends on the convention's perimeter: never shared between users
        rows = store.map_values(scale, indicator.id, year, scope)
        return _classify(store, scale, indicator.id, year, method, rows)
    return _shared_choropleth(store, scale, indicator.id, year, method)


@functools.lru_cache(maxsize=256)
def _shared_choropleth(
    store: Store, scale: str, indicator_id: str, year: int, method: str
) -> Choropleth:
    """Values every granted signatory sees alike: each view is classified once."""
    rows = store.shared_map_values(scale, indicator_id, year)
    return _classify(store, scale, indicator_id, year, method, rows)


def _classify(
    store: Store, scale: str, indicator_id: str, year: int, method: str, rows: list
) -> Choropleth:
    return build_choropleth(
        rows,
        CATALOG[indicator_id],
        year,
        total=len(store.map_codes(scale)),
        method=method,
        noun="résidences" if scale == "residence" else "zones",
    )


@dataclass(frozen=True)
class Drawing:
    """What the browser needs to draw one view: the layer's hideout and the legend."""

    hideout: dict[str, Any]
    legend: html.Div


def drawing(store: Store, result: Choropleth, scale: str, theme: str) -> Drawing:
    """The hideout of the features drawn at `scale`, with the texts of hidden values, and
    the legend."""
    threshold = store.secrecy_threshold
    hideout = result.hideout(store.map_order(scale), secret_text(scale, theme, threshold))
    if scale == "residence":
        hideout["texts"]["secret_residence"] = secret_residence_text(threshold)
    return Drawing(hideout, legend_component(result.legend))


@functools.lru_cache(maxsize=256)
def _shared_drawing(store: Store, scale: str, indicator_id: str, year: int, method: str) -> Drawing:
    """A view every granted signatory sees alike is drawn once per process (Dash only
    reads what a callback returns)."""
    result = _shared_choropleth(store, scale, indicator_id, year, method)
    return drawing(store, result, scale, CATALOG[indicator_id].theme)


def map_style(
    store: Store,
    urls: GeodataUrls,
    scope: AccessScope,
    scale: str,
    indicator_id: str,
    year: int,
    method: str,
) -> MapStyle:
    scale = scale if scale in MAP_SCALES else "commune"
    result = choropleth(store, scope, scale, indicator_id, year, method)
    if result is None:
        drawn = Drawing({}, empty_legend(UNAVAILABLE))
    elif store.depends_on_perimeter(scale, indicator_id, year):
        drawn = drawing(store, result, scale, CATALOG[indicator_id].theme)
    else:
        drawn = _shared_drawing(store, scale, indicator_id, year, result.legend.method)
    if scale == "residence":
        return MapStyle(None, {}, urls.residences, drawn.hideout, drawn.legend)
    return MapStyle(urls.zones[scale], drawn.hideout, None, {}, drawn.legend)


def view_key(scale: object, indicator_id: object, year: object, method: object) -> str:
    """What the map currently shows, so that the same view is not restyled twice."""
    return f"{scale}|{indicator_id}|{year}|{method}"


def _outputs(style: MapStyle, key: str) -> tuple:
    return (
        style.zone_url,
        style.zone_hideout,
        style.residence_url,
        style.residence_hideout,
        style.legend,
        key,
    )


def _map_outputs(allow_duplicate: bool) -> list[Output]:
    return [
        Output(MapIds.ZONES, "url", allow_duplicate=allow_duplicate),
        Output(MapIds.ZONES, "hideout", allow_duplicate=allow_duplicate),
        Output(MapIds.RESIDENCES, "url", allow_duplicate=allow_duplicate),
        Output(MapIds.RESIDENCES, "hideout", allow_duplicate=allow_duplicate),
        Output(MapIds.LEGEND, "children", allow_duplicate=allow_duplicate),
        Output(PageIds.MAP_VIEW, "data", allow_duplicate=allow_duplicate),
    ]


def register(app: Dash, store: Store, urls: GeodataUrls) -> None:
    def draw(scale, indicator_id, year, method, drawn) -> tuple:
        key = view_key(scale, indicator_id, year, method)
        if key == drawn:
            raise PreventUpdate  # already drawn
        style = map_style(store, urls, current_scope(), scale, indicator_id, year, method)
        return _outputs(style, key)

    @app.callback(
        *_map_outputs(allow_duplicate=False),
        Input(PageIds.URL, "search"),
        State(PageIds.MAP_VIEW, "data"),
    )
    def draw_from_url(search, drawn):
        """Load and back/forward: draw what the URL says, in parallel with the state
        callback (which moves the controls and sends nothing when they already hold
        these values, so that `restyle_map` does not run again)."""
        state = parse_query(search, state_context(store, current_scope()))
        return draw(state.scale, state.indicator, state.year, state.method, drawn)

    @app.callback(
        *_map_outputs(allow_duplicate=True),
        Input(ControlIds.SCALE, "value"),
        Input(ControlIds.INDICATOR, "value"),
        Input(ControlIds.YEAR, "value"),
        Input(ControlIds.CLASSES, "value"),
        State(PageIds.MAP_VIEW, "data"),
        prevent_initial_call=True,
    )
    def restyle_map(scale, indicator_id, year, method, drawn):
        return draw(scale, indicator_id, year, method, drawn)
