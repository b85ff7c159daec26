"""The map: base layer, choropleth of zones, clustered residences, overlays, selection.

Geometries come from the gated routes of `routes/geodata.py` (one URL per scale,
fetched once and cached by the browser); callbacks only change `url` when the scale
changes and `hideout` when the indicator, year or classes change. Style, tooltip and
cluster functions live in `assets/atlas_map.js`.
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import dcc, html

from layouts.ids import MapIds
from layouts.map_state import OVERLAYS


def js_function(name: str) -> dict[str, str]:
    """A function of `assets/atlas_map.js`, which dash-leaflet looks up on `window` by
    this reference when it receives it as a prop."""
    return {"variable": f"atlasMap.{name}"}


HOME_ZOOM = 10
# Residences are clustered up to this zoom; beyond it each point is drawn.
CLUSTER_MAX_ZOOM = 15
OVERLAY_SCALES = {"qpv": "qpv", "iris": "iris", "communes": "commune", "noms": "commune"}


def zone_layer(url: str | None = None, hideout: dict[str, Any] | None = None) -> dl.GeoJSON:
    return dl.GeoJSON(
        id=MapIds.ZONES,
        url=url,
        hideout=hideout or {},
        style=js_function("zoneStyle"),
        onEachFeature=js_function("zoneEach"),
        hoverStyle={"weight": 2.5, "color": "#111111"},
        zoomToBoundsOnClick=False,
    )


def residence_layer(url: str | None = None, hideout: dict[str, Any] | None = None) -> dl.GeoJSON:
    return dl.GeoJSON(
        id=MapIds.RESIDENCES,
        url=url,
        hideout=hideout or {},
        cluster=True,
        superClusterOptions={"radius": 60, "maxZoom": CLUSTER_MAX_ZOOM},
        clusterToLayer=js_function("clusterIcon"),
        pointToLayer=js_function("residencePoint"),
        onEachFeature=js_function("residenceEach"),
        zoomToBoundsOnClick=True,
    )


def overlay_layers(selected: list[str] | tuple[str, ...], zone_url: dict[str, str]) -> list:
    """The outline layers ticked in the layers selector (names ride on the communes)."""
    chosen = [name for name in OVERLAYS if name in (selected or ())]
    layers = []
    for name in chosen:
        if name == "noms" and "communes" in chosen:
            continue  # drawn with the commune boundaries below
        names = name == "noms" or (name == "communes" and "noms" in chosen)
        layers.append(
            dl.GeoJSON(
                id=f"{MapIds.OVERLAY_PREFIX}{name}",
                url=zone_url[OVERLAY_SCALES[name]],
                hideout={"kind": name if name != "noms" else "none", "names": names},
                style=js_function("overlayStyle"),
                onEachFeature=js_function("overlayEach"),
                interactive=False,
            )
        )
    return layers


def atlas_map(
    *,
    bounds: list[list[float]],
    tile_url: str,
    attribution: str,
) -> html.Div:
    """The map with its legend box; the map is usable without any tile server. The
    layers get their geometry URL and style from the first restyle (after the URL is
    read: dash-leaflet ignores a new `url` while a fetch is in flight)."""
    base = [dl.TileLayer(url=tile_url, attribution=attribution)] if tile_url else []
    leaflet = dl.Map(
        [
            *base,
            zone_layer(),
            residence_layer(),
            # above the choropleth (400), which is redrawn on every restyle, and below
            # the residence clusters (600): outlines, then the selection
            dl.Pane(dl.LayerGroup(id=MapIds.OVERLAYS), name="atlas-overlays"),
            dl.Pane(
                dl.GeoJSON(
                    id=MapIds.SELECTION,
                    data=None,
                    style=js_function("selectionStyle"),
                    pointToLayer=js_function("selectionPoint"),
                    interactive=False,
                ),
                name="atlas-selection",
            ),
            dl.ScaleControl(position="bottomleft", imperial=False),
        ],
        id=MapIds.MAP,
        bounds=bounds,
        center=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom=HOME_ZOOM,
        minZoom=8,
        maxZoom=18,
        className="atlas-map" + ("" if tile_url else " atlas-map-plain"),
        trackViewport=True,
        attributionControl=bool(tile_url),
    )
    legend_box = html.Div(
        html.Div("Chargement de la carte…", className="legend-box"),
        id=MapIds.LEGEND,
        className="map-legend",
        role="region",
        **{"aria-label": "Légende"},
    )
    area_link = html.A(
        "Lister les résidences de cette zone de la carte",
        id=MapIds.AREA_FINDER_LINK,
        href="residences",  # completed with the visible area as the map moves
        className="map-area-finder",
    )
    return html.Div(
        [
            leaflet,
            legend_box,
            area_link,
            dcc.Store(id=MapIds.VIEWPORT_SINK),
            dcc.Store(id=MapIds.CLICKED),
        ],
        className="map-wrap",
    )
