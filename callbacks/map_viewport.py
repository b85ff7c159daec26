"""The residence and zone layers follow the map: what lies in the area in view, as `data`.

The browser decides when the loaded area no longer covers the view
(`atlasViewport.area` in `assets/atlas_map_viewport.js`: the view and a margin, snapped
to a grid, so that a small pan loads nothing); the server answers with the points of
that area, or grid clusters above the budget. The layer's `data` is replaced in one go
when the answer arrives, so a pan never shows a half-loaded layer (dash-leaflet would
ignore a new `url` while a fetch is in flight). Every signatory gets the same layer, as
with the whole layer before; the auth gate checks the session on every request.

The zone layer works the same way (`atlasViewport.zoneArea`): the zones of the scale
shown whose box meets the area, their outline at the detail of the zoom
(`data/outlines.py`: the browser asks again only when the zoom changes level), and
none above a budget: the map then says how many zones the view holds, and the user
zooms in.

The features come with their style: the layer's hideout for them only, in the map's
view and for the session's scope (`callbacks/map_style.loaded_hideout`), so that the
hideout never holds more than the features loaded. A new view restyles the area loaded
in the state's round trip; when that answer and a new area's cross, the last hideout is
not for the view or area shown, and the browser asks for the area again
(`atlasViewport.restyleIfStale`; for zones `restyleZonesIfStale`, run by the observer
of their style's attribute).
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from auth.access import current_scope
from callbacks.map_style import drawn_for, loaded_hideout
from data.store.store import Store
from data.store.viewport_types import Area, ZoneAreaContent
from layouts.ids import MapIds, PageIds
from layouts.map import ZONE_STYLE_ATTRIBUTE, zone_notice
from layouts.map_clusters import (
    EMPTY_COLLECTION,
    POINT_BUDGET,
    area_collection,
    cell_metres,
    point_indices,
)
from layouts.views_holder import VIEWS_ATTRIBUTE, map_view_in

SIDES = ("west", "south", "east", "north")
MIN_ZOOM, MAX_ZOOM = 0, 20
# Above this many zones in the loaded area, none is sent (a few hundred KB, a second of
# drawing; the MEL's 544 IRIS and the Nord's 1 336 stay well below).
ZONE_BUDGET = 2000


def requested_area(area: Any) -> tuple[Area, int] | None:
    """The area and zoom the browser asks for, or None when it asks for nothing (another
    scale) or for something that is not an area."""
    if not isinstance(area, dict):
        return None
    values = [area.get(side) for side in SIDES]
    zoom = area.get("zoom")
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in [*values, zoom]):
        return None
    west, south, east, north = values
    if west >= east or south >= north:
        return None
    return Area(west, south, east, north), min(max(round(zoom), MIN_ZOOM), MAX_ZOOM)


@functools.lru_cache(maxsize=128)
def area_layer(store: Store, area: Area, zoom: int) -> dict[str, Any]:
    """The layer of one area (the browser snaps areas to a grid: panning back and forth
    asks for the same ones)."""
    return area_collection(store.residences_in_area(area, POINT_BUDGET, cell_metres(zoom)))


def area_points(store: Store, area: Any) -> list[int]:
    """The `i` of the residences drawn as points in the layer of `area` (the
    `MapIds.RESIDENCE_AREA` data); none when it is not an area."""
    requested = requested_area(area)
    return point_indices(area_layer(store, *requested)) if requested else []


def requested_zone_area(store: Store, area: Any) -> tuple[str, Area, int] | None:
    """The scale, area and zoom of the zones the browser asks for, or None."""
    requested = requested_area(area)
    scale = area.get("scale") if isinstance(area, dict) else None
    if requested is None or scale not in store.map_zone_scales:
        return None
    return (scale, *requested)


@functools.lru_cache(maxsize=128)
def zone_area_layer(store: Store, scale: str, area: Area, zoom: int) -> ZoneAreaContent:
    """The zones of one area (snapped by the browser: panning back asks for it again)."""
    return store.zones_in_area(scale, area, zoom, ZONE_BUDGET)


def zone_area_indices(store: Store, area: Any, scale: str) -> list[int] | None:
    """The `i` of the zones the layer of `area` holds (`MapIds.ZONE_AREA` data), or None
    when that area is not one of `scale` (the layer of a new scale is on its way)."""
    requested = requested_zone_area(store, area)
    if requested is None or requested[0] != scale:
        return None
    return list(zone_area_layer(store, *requested).indices)


def follow_the_map(app: Dash, function_name: str, area_id: str, shown: Input) -> None:
    """The area store `area_id` follows the map's bounds and zoom while `shown` says the
    layer is shown: `atlasViewport.<function_name>` (assets/atlas_map_viewport.js)."""
    app.clientside_callback(
        ClientsideFunction(namespace="atlasViewport", function_name=function_name),
        Output(area_id, "data"),
        Input(MapIds.MAP, "bounds"),
        Input(MapIds.MAP, "zoom"),
        shown,
        State(area_id, "data"),
    )


def register(app: Dash, store: Store) -> None:
    follow_the_map(app, "area", MapIds.RESIDENCE_AREA, Input(MapIds.RESIDENCE_SCALE, "data"))
    app.clientside_callback(
        ClientsideFunction(namespace="atlasViewport", function_name="restyleIfStale"),
        Output(MapIds.RESIDENCE_AREA, "data", allow_duplicate=True),
        Input(MapIds.RESIDENCES, "hideout"),
        State(PageIds.VIEWS, VIEWS_ATTRIBUTE),
        State(MapIds.RESIDENCE_AREA, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(MapIds.RESIDENCES, "data"),
        # the state's round trip styles the layer for a new view (callbacks/state_drawings.py)
        Output(MapIds.RESIDENCES, "hideout", allow_duplicate=True),
        Input(MapIds.RESIDENCE_AREA, "data"),
        State(PageIds.VIEWS, VIEWS_ATTRIBUTE),
        prevent_initial_call=True,
    )
    def load_residences(area: Any, views: Any) -> tuple[dict[str, Any], Any]:
        view = map_view_in(views)
        requested = requested_area(area)
        if requested is None:
            return EMPTY_COLLECTION, no_update
        layer = area_layer(store, *requested)
        hideout = loaded_hideout(store, current_scope(), view, "residence", point_indices(layer))
        return layer, drawn_for(hideout, view, area)

    follow_the_map(app, "zoneArea", MapIds.ZONE_AREA, Input(MapIds.ZONE_SCALE, "data"))

    @app.callback(
        Output(MapIds.ZONES, "data"),
        # the state's round trip styles the layer for a new view (callbacks/state_drawings.py)
        Output(MapIds.ZONE_STYLE, ZONE_STYLE_ATTRIBUTE, allow_duplicate=True),
        Output(MapIds.ZONE_NOTICE, "children"),
        Input(MapIds.ZONE_AREA, "data"),
        State(PageIds.VIEWS, VIEWS_ATTRIBUTE),
        prevent_initial_call=True,
    )
    def load_zones(area: Any, views: Any) -> tuple[dict[str, Any], Any, Any]:
        view = map_view_in(views)
        requested = requested_zone_area(store, area)
        if requested is None:
            return EMPTY_COLLECTION, no_update, None
        scale = requested[0]
        layer = zone_area_layer(store, *requested)
        hideout = loaded_hideout(store, current_scope(), view, scale, layer.indices)
        attribute = json.dumps(drawn_for(hideout, view, area), ensure_ascii=False)
        notice = zone_notice(scale, layer.count) if layer.count > len(layer.indices) else None
        return layer.collection, attribute, notice
