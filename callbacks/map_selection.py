"""The search box's results and the overlays.

Choosing a result changes the explorer state (`callbacks/explorer_state.py`), which
fits the map to it and selects it. The outline overlays hold the zones of the area in
view, as the zone layer does (`callbacks/map_viewport.py`): the browser asks for a new
area (`atlasViewport.outlineArea`) only while an outline is ticked, when a pan leaves the
loaded one or a zoom changes level; above the budget a scale's outlines are not drawn
and the map says so.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.explorer_state import current_state
from callbacks.map_viewport import follow_the_map, requested_area, zone_area_layer
from data.store.store import Store
from layouts.controls import search_option
from layouts.ids import ControlIds, MapIds, PageIds
from layouts.map import outline_notice, outline_scales, overlay_layers
from layouts.map_state import parse_feature
from routes.geodata import GeodataUrls

SEARCH_LIMIT = 12


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

    follow_the_map(app, "outlineArea", MapIds.OUTLINE_AREA, Input(PageIds.OVERLAYS_VIEW, "data"))

    @app.callback(
        Output(MapIds.OVERLAYS, "children"),
        Output(MapIds.OUTLINE_NOTICE, "children"),
        Input(PageIds.OVERLAYS_VIEW, "data"),
        Input(MapIds.OUTLINE_AREA, "data"),
        State(PageIds.STATE, "data"),
        prevent_initial_call=True,  # the view store is set once the URL is read
    )
    def draw_overlays(_view: Any, area: Any, data: Any) -> tuple[list, str | None]:
        overlays = current_state(store, data).overlays
        requested = requested_area(area)
        outlines, too_many = {}, {}
        for scale in outline_scales(overlays) if requested else ():
            layer = zone_area_layer(store, scale, *requested)
            if layer.count > len(layer.indices):
                too_many[scale] = layer.count
            else:
                outlines[scale] = layer.collection
        return overlay_layers(overlays, outlines, urls.equipments), outline_notice(too_many)
