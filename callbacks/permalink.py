"""One callback keeps the controls, the selection, the pins and the URL in step.

Load or back/forward button (`url.search` changed): the state is parsed from the query
string and the controls that differ take its values. A control, the selection or the
pins changed: the state is normalised (an indicator absent at the new scale falls back
to the default...) and its query string goes to the `permalink` store; a clientside
function (assets/atlas_map.js) pushes it as a new history entry and tells `url` about
it. Pan and zoom only rewrite the URL in place, client side, so the back button walks
through views and not through every drag.
"""

from __future__ import annotations

import functools
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from auth.access import NoAccess, current_scope
from auth.scope import AccessScope
from data.catalog import CATALOG, THEMES, indicators_for
from data.store import Place, Store
from layouts.controls import ControlsInit, indicator_options, theme_options, year_options
from layouts.ids import ControlIds, MapIds, PageIds
from layouts.map_state import (
    MAP_SCALES,
    StateContext,
    ViewState,
    feature_from_data,
    parse_query,
    resolve,
    to_query,
    with_viewport,
)

HOME = (50.63, 3.07)


def state_context(store: Store, scope: AccessScope) -> StateContext:
    granted = tuple(theme for theme in THEMES if scope.grants(theme))
    return _state_context(store, granted)


@functools.lru_cache(maxsize=8)
def _state_context(store: Store, granted: tuple[str, ...]) -> StateContext:
    years = store.indicator_years
    indicators = {
        (scale, theme): tuple(i.id for i in indicators_for(scale, theme) if i.id in years)
        for scale in MAP_SCALES
        for theme in granted
    }
    themes = {
        scale: tuple(theme for theme in granted if indicators[(scale, theme)])
        for scale in MAP_SCALES
    }
    return StateContext(
        themes=themes,
        indicators=indicators,
        years=years,
        code_exists=lambda scale, code: code in store.map_codes(scale),
        home=territory_centre(store),
    )


def _territory(store: Store) -> Place | None:
    return store.place("epci", str(store.manifest.get("epci", {}).get("code", "")))


def territory_centre(store: Store) -> tuple[float, float]:
    epci = _territory(store)
    return (epci.lat, epci.lon) if epci else HOME


def territory_bounds(store: Store) -> list[list[float]]:
    """The map's initial view: the whole territory."""
    epci = _territory(store)
    if epci is None:
        return [[HOME[0] - 0.2, HOME[1] - 0.3], [HOME[0] + 0.2, HOME[1] + 0.3]]
    return [[epci.min_lat, epci.min_lon], [epci.max_lat, epci.max_lon]]


def initial_controls(store: Store) -> ControlsInit | None:
    """The first layout's controls: the default view of the logged-in user (None when
    nobody is logged in: Dash validating the layout at start)."""
    try:
        scope = current_scope()
    except NoAccess:
        return None
    return default_controls(store, scope)


def default_controls(store: Store, scope: AccessScope) -> ControlsInit:
    """The controls of the default view for this convention, for the first layout."""
    context = state_context(store, scope)
    state = parse_query("", context)
    themes, indicators, years = control_outputs(state, context)
    return ControlsInit(
        scale=state.scale,
        theme=state.theme,
        theme_options=themes,
        indicator=state.indicator,
        indicator_options=indicators,
        year=state.year,
        year_options=years,
    )


def control_outputs(state: ViewState, context: StateContext) -> tuple[list, list, list]:
    """Options of the theme, indicator and year dropdowns for a state."""
    themes = theme_options(context.themes.get(state.scale, ()), THEMES)
    indicators = indicator_options(
        (indicator_id, CATALOG[indicator_id].label)
        for indicator_id in context.indicators.get((state.scale, state.theme), ())
    )
    years = year_options(context.years.get(state.indicator, ()))
    return themes, indicators, years


_ALWAYS = object()  # compares unequal to anything: the output is always sent


def _changed(new: Any, old: Any) -> Any:
    return no_update if new == old else new


def register(app: Dash, store: Store) -> None:
    @app.callback(
        Output(PageIds.PERMALINK, "data"),
        Output(ControlIds.SCALE, "value"),
        Output(ControlIds.THEME, "options"),
        Output(ControlIds.THEME, "value"),
        Output(ControlIds.INDICATOR, "options"),
        Output(ControlIds.INDICATOR, "value"),
        Output(ControlIds.YEAR, "options"),
        Output(ControlIds.YEAR, "value"),
        Output(ControlIds.CLASSES, "value"),
        Output(ControlIds.LAYERS, "value"),
        Output(PageIds.SELECTION, "data"),
        Output(PageIds.PINNED, "data"),
        Output(MapIds.MAP, "viewport"),
        Input(PageIds.URL, "search"),
        Input(ControlIds.SCALE, "value"),
        Input(ControlIds.THEME, "value"),
        Input(ControlIds.INDICATOR, "value"),
        Input(ControlIds.YEAR, "value"),
        Input(ControlIds.CLASSES, "value"),
        Input(ControlIds.LAYERS, "value"),
        Input(PageIds.SELECTION, "data"),
        Input(PageIds.PINNED, "data"),
        State(MapIds.MAP, "center"),
        State(MapIds.MAP, "zoom"),
    )
    def sync_state(
        search, scale, theme, indicator, year, method, layers, selection, pinned, centre, zoom
    ):
        context = state_context(store, current_scope())
        triggered = ctx.triggered_prop_ids
        initial = not triggered
        controls = (scale, theme, indicator, year, method, layers, selection, pinned)
        permalink: Any = no_update
        viewport: Any = no_update
        if initial or "url.search" in triggered:
            # load, back/forward, or our own pushState: the URL's state wins
            state = parse_query(search, context)
            # later moves (back/forward) are made client side: atlas.restoreViewport
            if initial and state.centre is not None:
                viewport = {"center": list(state.centre), "zoom": state.zoom}
            # only what differs from the page is sent (the restyle reads the URL itself);
            # on load the selection and pins always are, for the panel and comparison
            current = controls
            if initial:
                current = (*controls[:6], _ALWAYS, _ALWAYS)
        else:
            state = resolve(
                context,
                scale=scale,
                theme=theme,
                indicator=indicator,
                year=year,
                method=method,
                overlays=layers,
                selection=feature_from_data(selection),
                pinned=[p for p in (feature_from_data(d) for d in pinned or []) if p],
            )
            permalink = to_query(with_viewport(state, centre, zoom))
            current = controls
        themes, indicators, years = control_outputs(state, context)
        selection_data = state.selection.to_data() if state.selection else None
        pinned_data = [pin.to_data() for pin in state.pinned]
        return (
            permalink,
            _changed(state.scale, current[0]),
            themes,
            _changed(state.theme, current[1]),
            indicators,
            _changed(state.indicator, current[2]),
            years,
            _changed(state.year, current[3]),
            _changed(state.method, current[4]),
            _changed(list(state.overlays), current[5]),
            _changed(selection_data, current[6]),
            _changed(pinned_data, current[7]),
            viewport,
        )
