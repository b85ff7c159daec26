"""Selecting on the map: click, search box, highlight of the selection, overlays.

A click selects client side (no round trip); the search box asks the store and flies
to what was chosen. The `selection` store is what the PANEL engineer's callbacks read.
"""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.map_geodata import GeodataUrls
from data.store import Store
from layouts.controls import search_option
from layouts.ids import ControlIds, MapIds, PageIds
from layouts.map import overlay_layers
from layouts.map_state import feature_from_data, parse_feature

SEARCH_LIMIT = 12
RESIDENCE_ZOOM = 17


def viewport_of_place(store: Store, scale: str, code: str) -> dict[str, Any] | None:
    """Fly to a zone's bounds, or close to a residence."""
    place = store.place(scale, code)
    if place is None:
        return None
    if scale == "residence":
        return {"center": [place.lat, place.lon], "zoom": RESIDENCE_ZOOM, "transition": "flyTo"}
    return {
        "bounds": [[place.min_lat, place.min_lon], [place.max_lat, place.max_lon]],
        "transition": "flyToBounds",
    }


def search_options(store: Store, text: str | None, keep: str | None) -> list[dict[str, str]]:
    """Search results as dropdown options, keeping the chosen one listed."""
    places = store.search_places(text or "", limit=SEARCH_LIMIT)
    options = [search_option(p.scale, p.code, p.name, p.detail) for p in places]
    chosen = parse_feature(keep)
    if chosen and all(option["value"] != keep for option in options):
        place = store.place(chosen.scale, chosen.code)
        if place:
            options.insert(0, search_option(place.scale, place.code, place.name, place.detail))
    return options


def register(app: Dash, store: Store, urls: GeodataUrls) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="selectFromClick"),
        Output(PageIds.SELECTION, "data", allow_duplicate=True),
        Input(MapIds.ZONES, "clickData"),
        Input(MapIds.RESIDENCES, "clickData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="pushPermalink"),
        Output(MapIds.VIEWPORT_SINK, "data", allow_duplicate=True),
        Input(PageIds.PERMALINK, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="restoreViewport"),
        Output(MapIds.MAP, "viewport", allow_duplicate=True),
        Input(PageIds.URL, "search"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="rememberViewport"),
        Output(MapIds.VIEWPORT_SINK, "data"),
        Input(MapIds.MAP, "center"),
        Input(MapIds.MAP, "zoom"),
        prevent_initial_call=True,
    )

    @app.callback(Output(MapIds.SELECTION, "data"), Input(PageIds.SELECTION, "data"))
    def highlight_selection(selection):
        chosen = feature_from_data(selection)
        if chosen is None:
            return None
        return store.selection_feature(chosen.scale, chosen.code)

    @app.callback(
        Output(ControlIds.SEARCH, "options"),
        Input(ControlIds.SEARCH, "search_value"),
        State(ControlIds.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def find_places(text, chosen):
        if not text or len(text.strip()) < 2:
            raise PreventUpdate
        return search_options(store, text, chosen)

    @app.callback(
        Output(PageIds.SELECTION, "data", allow_duplicate=True),
        Output(MapIds.MAP, "viewport", allow_duplicate=True),
        Output(ControlIds.SEARCH, "value"),
        Input(ControlIds.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def go_to_place(value):
        """Fly to the chosen place and select it; the box is emptied for the next search
        (the panel names what is selected)."""
        chosen = parse_feature(value)
        if chosen is None:
            raise PreventUpdate
        viewport = viewport_of_place(store, chosen.scale, chosen.code)
        if viewport is None:
            return no_update, no_update, None
        return chosen.to_data(), viewport, None

    @app.callback(Output(MapIds.OVERLAYS, "children"), Input(ControlIds.LAYERS, "value"))
    def draw_overlays(selected):
        return overlay_layers(selected or [], urls.zones)
