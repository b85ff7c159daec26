"""The explorer state's one writer, and its projections: the URL and the view stores.

`update_state` is the only callback that writes the `state` store (and the controls
that show it): a load or back/forward (`navigation`), a control, a click on the map, a
search result, a link or a pin button of the panel each change it, through the pure
functions of `layouts/map_state.py`. Everything else follows the state:

- in the same answer, each view store (`PROJECTIONS`) takes the part of the state it
  names, only when that part changed (one Dash callback cycle less per change than a
  clientside projection per store: each costs the browser a few milliseconds);
- the map's view and the permalink are one attribute of a hidden element
  (layouts/views_holder.py), not stores: assets/atlas_map.js pushes the permalink as a
  history entry and wakes only the gates with something to do (assets/atlas_views.js),
  with no Dash callback on an indicator change; the indicator's definition and whether
  its classes can be chosen come in the same answer;
- in the same round trip, what the new state changes of the map (layers, legend) and
  of the panel (`Drawings`, callbacks/state_drawings.py): a new selection draws the
  panel, a new indicator or year changes the open zone's sheet; one request each;
- on the server, the comparison and the overlays are drawn from the view store they
  follow.

Pan and zoom only rewrite the URL in place, client side, so the back button walks
through views and not through every drag; our own history entries are not read back
(`atlas.navigated`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from auth.access import NoAccess, current_scope
from data.catalog import CATALOG, THEMES, indicators_for
from data.scope import AccessScope
from data.store.store import Store
from data.store.types import Place
from layouts.compare import pin_limit_alert
from layouts.controls import ControlsInit, indicator_options, theme_options, year_options
from layouts.ids import AccessIds, CompactIds, CompareIds, ControlIds, MapIds, PageIds, PanelIds
from layouts.indicator_picker import definition_text
from layouts.map_extent import lowest_zoom
from layouts.map_state import (
    StateContext,
    ViewState,
    changed,
    feature_from_data,
    parse_feature,
    parse_query,
    resolve,
    state_from_data,
    to_query,
    toggle_pin,
    with_viewport,
)
from layouts.panel_labels import PIN_LIMIT_TEXT
from layouts.views_holder import MAP_PARTS, VIEWS_ATTRIBUTE, views_attribute

HOME = (50.63, 3.07)
RESIDENCE_ZOOM = 17
JUMP = {"animate": False}  # Leaflet's option of a move without animation

# view store -> the parts of the state it follows
PROJECTIONS: dict[str, tuple[str, ...]] = {
    PageIds.SELECTED_VIEW: ("selection",),
    PageIds.FIGURES_VIEW: ("indicator", "year"),
    PageIds.PINNED_VIEW: ("pinned",),
    PageIds.OVERLAYS_VIEW: ("overlays",),
}
# view store -> the part of the state without which it follows nothing (emptied instead):
# the comparison's figures change with the indicator only while zones are pinned
WHILE: dict[str, str] = {PageIds.FIGURES_VIEW: "pinned"}
CONTROLS = {
    "scale": ControlIds.SCALE,
    "theme": ControlIds.THEME,
    "indicator": ControlIds.INDICATOR,
    "year": ControlIds.YEAR,
    "method": ControlIds.CLASSES,
    "overlays": ControlIds.LAYERS,
}
# the dropdowns whose options depend on the state (`control_options`)
OPTIONED = ("theme", "indicator", "year")


def state_context(store: Store, scope: AccessScope) -> StateContext:
    granted = tuple(theme for theme in THEMES if scope.grants(theme))
    return _state_context(store, granted)


@functools.lru_cache(maxsize=8)
def _state_context(store: Store, granted: tuple[str, ...]) -> StateContext:
    years = store.indicator_years
    indicators = {
        (scale, theme): tuple(i.id for i in indicators_for(scale, theme) if i.id in years)
        for scale in store.map_scales
        for theme in granted
    }
    themes = {
        scale: tuple(theme for theme in granted if indicators[(scale, theme)])
        for scale in store.map_scales
    }
    return StateContext(
        themes=themes,
        indicators=indicators,
        years=years,
        code_exists=lambda scale, code: code in store.map_codes(scale),
        home=territory_centre(store),
        pinnable_scales=store.map_zone_scales,
        scales=store.map_scales,
        default_scale=store.default_map_scale,
        extent=store.territory_box,
        min_zoom=lowest_zoom(territory_bounds(store)),
    )


def current_state(store: Store, data: object) -> ViewState:
    """The state the `state` store holds, checked for the logged-in user."""
    return state_from_data(data, state_context(store, current_scope()))


def viewport_of_place(store: Store, scale: str, code: str) -> dict[str, Any] | None:
    """Fit a zone's bounds, or close to a residence, at once: no flight, the sheet opens
    without the map animating under it."""
    place = store.place(scale, code)
    if place is None:
        return None
    if scale == "residence":
        return {"center": [place.lat, place.lon], "zoom": RESIDENCE_ZOOM, "options": JUMP}
    bounds = [[place.min_lat, place.min_lon], [place.max_lat, place.max_lon]]
    return {"bounds": bounds, "options": JUMP}


def home_viewport(store: Store, scope: AccessScope) -> dict[str, Any] | None:
    """Where a user opens without a viewport in the URL: their commune or their landlord's
    residences; None for the whole territory (the map's initial bounds)."""
    box = store.perimeter_box(scope.communes, scope.bailleurs)
    if box is None:
        return None
    south, west, north, east = box
    return {"bounds": [[south, west], [north, east]]}


def _territory(store: Store) -> Place | None:
    return store.place("epci", str(store.manifest.get("epci", {}).get("code", "")))


def territory_centre(store: Store) -> tuple[float, float]:
    epci = _territory(store)
    return (epci.lat, epci.lon) if epci else HOME


def territory_bounds(store: Store) -> list[list[float]]:
    """The map's initial view: the whole territory (every EPCI of a département)."""
    box = store.territory_box
    if box is None:
        return [[HOME[0] - 0.2, HOME[1] - 0.3], [HOME[0] + 0.2, HOME[1] + 0.3]]
    south, west, north, east = box
    return [[south, west], [north, east]]


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
    options = control_options(state, context)
    return ControlsInit(
        scale=state.scale,
        theme=state.theme,
        theme_options=options["theme"],
        indicator=state.indicator,
        indicator_options=options["indicator"],
        year=state.year,
        year_options=options["year"],
        scales=context.scales,
    )


def offered(state: ViewState, context: StateContext) -> dict[str, tuple]:
    """What the theme, indicator and year dropdowns offer for a state (their options are
    drawn from it alone)."""
    return {
        "theme": tuple(context.themes.get(state.scale, ())),
        "indicator": tuple(context.indicators.get((state.scale, state.theme), ())),
        "year": tuple(context.years.get(state.indicator, ())),
    }


def control_options(state: ViewState, context: StateContext) -> dict[str, list]:
    """Options of the theme, indicator and year dropdowns for a state."""
    return _options(offered(state, context), OPTIONED)


def _options(choices: dict[str, tuple], names: tuple[str, ...]) -> dict[str, list]:
    builders = {
        "theme": lambda themes: theme_options(themes, THEMES),
        "indicator": lambda ids: indicator_options((i, CATALOG[i].label) for i in ids),
        "year": year_options,
    }
    return {name: builders[name](choices[name]) for name in names}


def control_values(state: ViewState) -> dict[str, Any]:
    """What each control shows of a state."""
    return {
        "scale": state.scale,
        "theme": state.theme,
        "indicator": state.indicator,
        "year": state.year,
        "method": state.method,
        "overlays": list(state.overlays),
    }


@dataclass(frozen=True)
class Step:
    """The state after an event, where the map moves to, whether a pin was refused."""

    state: ViewState
    viewport: dict[str, Any] | None = None
    refused: bool = False


def next_state(
    store: Store,
    context: StateContext,
    trigger: str | dict[str, str],
    events: dict[str, Any],
    previous: ViewState | None,
    home: dict[str, Any] | None = None,
) -> Step | None:
    """The state an event leads to from `previous` (None: a load or back/forward, where
    the URL's state wins and its view is shown: its viewport, else its selection fitted,
    else the user's `home`); None when a search result is gone."""
    if previous is None:
        state = parse_query((events["navigation"] or {}).get("search"), context)
        if state.centre is not None:
            return Step(state, {"center": list(state.centre), "zoom": state.zoom})
        if state.selection is not None:
            fitted = viewport_of_place(store, state.selection.scale, state.selection.code)
            return Step(state, fitted or home)
        return Step(state, home)
    if trigger in CONTROLS.values():
        controls = events["controls"]
        return Step(
            resolve(context, **controls, selection=previous.selection, pinned=previous.pinned)
        )
    if trigger == MapIds.CLICKED:
        return Step(changed(previous, context, selection=feature_from_data(events["clicked"])))
    if trigger == ControlIds.SEARCH:
        # fit the chosen place and select it; the box is emptied for the next search
        # (the panel names what is selected)
        chosen = parse_feature(events["searched"])
        if chosen is None:
            raise PreventUpdate
        viewport = viewport_of_place(store, chosen.scale, chosen.code)
        if viewport is None:
            return None
        return Step(changed(previous, context, selection=chosen), viewport)
    # a button of the panel or the comparison, by its pattern id
    zone = feature_from_data(trigger)
    if zone is None or not isinstance(trigger, dict):
        raise PreventUpdate
    if trigger["type"] == PanelIds.SELECT_LINK_TYPE:
        # a zone of a list is fitted; a residence of a zone's list opens in place (the map
        # keeps the zone around it)
        fitted = (
            None if zone.scale == "residence" else viewport_of_place(store, zone.scale, zone.code)
        )
        return Step(changed(previous, context, selection=zone), fitted)
    if trigger["type"] == PanelIds.PIN_BUTTON_TYPE:
        state, refused = toggle_pin(previous, context, zone)
        return Step(state, refused=refused)
    return Step(changed(previous, context, pinned=[p for p in previous.pinned if p != zone]))


def _pattern(type_: str, prop: str, kind: type[Input] | type[Output]) -> Any:
    return kind({"type": type_, "scale": ALL, "code": ALL}, prop)


class Drawings(Protocol):
    """What follows the state in its own round trip (`callbacks/state_drawings.py`):
    its outputs and states, and what a new state redraws."""

    @property
    def outputs(self) -> dict[str, Any]: ...

    @property
    def states(self) -> dict[str, Any]: ...

    def unchanged(self) -> dict[str, Any]: ...

    def follow(
        self, scope: AccessScope, previous: ViewState | None, state: ViewState
    ) -> dict[str, Any]: ...


def register(app: Dash, store: Store, drawings: Drawings) -> None:
    _register_clientside(app)

    @app.callback(
        output={
            "state": Output(PageIds.STATE, "data"),
            "views_attribute": Output(PageIds.VIEWS, VIEWS_ATTRIBUTE),
            "aids": {
                "definition": Output(AccessIds.PICKER_DEFINITION_TEXT, "children"),
                "classes_hidden": Output(CompactIds.CLASSES_CONTROL, "hidden"),
            },
            "values": {name: Output(cid, "value") for name, cid in CONTROLS.items()},
            "options": {name: Output(CONTROLS[name], "options") for name in OPTIONED},
            "viewport": Output(MapIds.MAP, "viewport"),
            "search": Output(ControlIds.SEARCH, "value"),
            "notice": Output(ControlIds.NOTICE, "children"),
            "pin_messages": _pattern(PanelIds.PIN_MESSAGE_TYPE, "children", Output),
            "views": {view: Output(view, "data") for view in PROJECTIONS},
            "drawings": drawings.outputs,
        },
        inputs={
            "navigation": Input(PageIds.NAVIGATION, "data"),
            "controls": {name: Input(cid, "value") for name, cid in CONTROLS.items()},
            "clicked": Input(MapIds.CLICKED, "data"),
            "searched": Input(ControlIds.SEARCH, "value"),
            "links": _pattern(PanelIds.SELECT_LINK_TYPE, "n_clicks", Input),
            "pins": _pattern(PanelIds.PIN_BUTTON_TYPE, "n_clicks", Input),
            "unpins": _pattern(CompareIds.UNPIN_BUTTON_TYPE, "n_clicks", Input),
        },
        state={
            "data": State(PageIds.STATE, "data"),
            "centre": State(MapIds.MAP, "center"),
            "zoom": State(MapIds.MAP, "zoom"),
            "shown": {view: State(view, "data") for view in PROJECTIONS},
            "views_shown": State(PageIds.VIEWS, VIEWS_ATTRIBUTE),
            **drawings.states,
        },
        # Fired first by `navigation`, which a clientside callback sets on load; a panel
        # button that appears with its panel is not a click.
        prevent_initial_call=True,
    )
    def update_state(
        navigation,
        controls,
        clicked,
        searched,
        links,
        pins,
        unpins,
        data,
        centre,
        zoom,
        shown,
        views_shown,
        **_drawn,
    ) -> dict[str, Any]:
        """`links`, `pins` and `unpins` are read from the id of the button that fired; what
        the drawings read (`_drawn`), they read from the callback context."""
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not ctx.triggered[0].get("value"):
            raise PreventUpdate  # a button re-rendered with its panel, not clicked
        scope = current_scope()
        context = state_context(store, scope)
        loaded = trigger == PageIds.NAVIGATION
        previous = None if loaded else state_from_data(data, context)
        events = {
            "navigation": navigation,
            "controls": controls,
            "clicked": clicked,
            "searched": searched,
        }
        home = home_viewport(store, scope) if loaded else None
        step = next_state(store, context, trigger, events, previous, home)
        if step is None:  # a search result that no longer exists: only the box is emptied
            return {**_unchanged(), "search": None, "drawings": drawings.unchanged()}
        state = step.state
        # a state read from the URL is not pushed back to it
        permalink = (
            None
            if previous is None
            else to_query(with_viewport(state, centre, zoom, context.min_zoom))
        )
        views = views_attribute(map_view(state), permalink)
        return {
            "state": state.to_data(),
            "views_attribute": no_update if views == views_shown else views,
            "aids": indicator_aids(state, previous),
            "values": {
                name: no_update if controls[name] == value else value
                for name, value in control_values(state).items()
            },
            "options": changed_options(state, previous, context),
            "viewport": step.viewport or no_update,
            "search": None if trigger == ControlIds.SEARCH else no_update,
            # a renamed indicator of the URL says so until the view changes
            "notice": state.notice if previous is None else None,
            "pin_messages": _pin_messages(state, previous, step.refused),
            "views": {
                view: no_update if value == shown[view] else value
                for view, value in projections(state).items()
            },
            "drawings": drawings.follow(scope, previous, state),
        }


def map_view(state: ViewState) -> dict[str, Any]:
    data = state.to_data()
    return {part: data[part] for part in MAP_PARTS}


def indicator_aids(state: ViewState, previous: ViewState | None) -> dict[str, Any]:
    """Beside the picker, the indicator's definition; the "Classes" control hidden while a
    categorical indicator is mapped (its classes are its categories, whatever the
    method: layouts/choropleth.py). Sent only when they change."""
    if previous is not None and previous.indicator == state.indicator:
        return {"definition": no_update, "classes_hidden": no_update}
    hidden = _categorical(state.indicator)
    return {
        "definition": definition_text(state.indicator),
        "classes_hidden": (
            no_update
            if previous is not None and _categorical(previous.indicator) == hidden
            else hidden
        ),
    }


def _categorical(indicator_id: str | None) -> bool:
    indicator = CATALOG.get(indicator_id or "")
    return bool(indicator and indicator.categories)


def projections(state: ViewState) -> dict[str, dict[str, Any] | None]:
    """What each view store holds of `state`: the parts it follows, or None while the
    part it needs (`WHILE`) is empty."""
    data = state.to_data()
    return {
        view: None if view in WHILE and not data[WHILE[view]] else {p: data[p] for p in parts}
        for view, parts in PROJECTIONS.items()
    }


def _unchanged() -> dict[str, Any]:
    return {
        "state": no_update,
        "views_attribute": no_update,
        "aids": {"definition": no_update, "classes_hidden": no_update},
        "values": dict.fromkeys(CONTROLS, no_update),
        "options": dict.fromkeys(OPTIONED, no_update),
        "viewport": no_update,
        "search": no_update,
        "notice": no_update,
        "pin_messages": [no_update for _ in ctx.outputs_grouping["pin_messages"]],
        "views": dict.fromkeys(PROJECTIONS, no_update),
    }


def changed_options(state: ViewState, previous: ViewState | None, context: StateContext) -> dict:
    """The options of a dropdown are sent when they differ from the previous state's
    (another indicator with the same vintages leaves the year's list as it is: its
    dropdown is not drawn again)."""
    choices = offered(state, context)
    shown = offered(previous, context) if previous is not None else {}
    changed = tuple(name for name in OPTIONED if choices[name] != shown.get(name))
    return {**dict.fromkeys(OPTIONED, no_update), **_options(choices, changed)}


def _pin_messages(state: ViewState, previous: ViewState | None, refused: bool) -> Any:
    """A refused pin says why on each pin button; a change of pins clears the message."""
    messages = ctx.outputs_grouping["pin_messages"]
    if refused:
        return [pin_limit_alert(PIN_LIMIT_TEXT) for _ in messages]
    if previous is not None and state.pinned != previous.pinned:
        return [None for _ in messages]
    return [no_update for _ in messages]


def _register_clientside(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="navigated"),
        Output(PageIds.NAVIGATION, "data"),
        Input(PageIds.URL, "search"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="selectFromClick"),
        Output(MapIds.CLICKED, "data"),
        Input(MapIds.ZONES, "clickData"),
        Input(MapIds.RESIDENCES, "clickData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="rememberViewport"),
        Input(MapIds.MAP, "center"),
        Input(MapIds.MAP, "zoom"),
        prevent_initial_call=True,
    )
