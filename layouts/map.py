"""The map: base layer, choropleth of zones, clustered residences, overlays, selection.

Zones, residences and the outlines drawn over the map come with the area in view
(`callbacks/map_viewport.py`, `callbacks/map_selection.py`); callbacks change the zones' style store
(and the `hideout` of the residences' layer) when the indicator, year or classes
change: the features drawn are restyled in place. Style, tooltip and
cluster functions live in `assets/atlas_map.js` (the residences' clusters in
`assets/atlas_map_viewport.js`).
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import dcc, html

from data.catalog import SCALE_NAMES
from data.sources.codes import EQUIPMENT_FAMILIES
from layouts.compact import legend_button
from layouts.formatting import format_number
from layouts.ids import MapIds
from layouts.map_extent import fitting_zoom, lowest_zoom
from layouts.map_state import OVERLAYS
from layouts.map_table import table_container, table_toggle


def js_function(name: str) -> dict[str, str]:
    """A function of `assets/atlas_map.js`, which dash-leaflet looks up on `window` by
    this reference when it receives it as a prop."""
    return {"variable": f"atlasMap.{name}"}


ZONE_STYLE_ATTRIBUTE = "data-hideout"
OVERLAY_SCALES = {"qpv": "qpv", "iris": "iris", "communes": "commune", "noms": "commune"}


def zone_style_holder() -> html.Div:
    """Where the zones' style (their hideout, as JSON) arrives: the attribute changes in
    the same React commit as the legend, and assets/atlas_map.js restyles the zones as it
    sees it change, not in a Dash callback one cycle later."""
    return html.Div(id=MapIds.ZONE_STYLE, hidden=True, **{ZONE_STYLE_ATTRIBUTE: "{}"})


def zone_layer() -> dl.GeoJSON:
    """The zones of the scale in the area in view: `data` follows the map
    (`callbacks/map_viewport.py`), their style comes from `zone_style_holder` (the
    layer's `hideout` never changes: a new one would make dash-leaflet draw every path
    anew)."""
    return dl.GeoJSON(
        id=MapIds.ZONES,
        data=None,
        style=js_function("zoneStyle"),
        onEachFeature=js_function("zoneEach"),
        hoverStyle={"weight": 2.5, "color": "#111111"},
        zoomToBoundsOnClick=False,
    )


def _many(scale: str) -> str:
    names = SCALE_NAMES[scale].many
    return names if names.isupper() else names.lower()  # IRIS, QPV, EPCI stay as they are


def zone_notice(scale: str, count: int) -> str:
    """What the map says when the view holds too many zones to draw."""
    return f"{format_number(count)} {_many(scale)} dans cette vue : zoomez pour les afficher."


def outline_notice(counts: dict[str, int]) -> str | None:
    """What the map says of the outline overlays not drawn: too many zones of `counts`'
    scales in the view."""
    if not counts:
        return None
    parts = " ; ".join(f"{format_number(n)} {_many(scale)}" for scale, n in counts.items())
    return f"Contours non dessinés, trop de zones dans cette vue ({parts}) : zoomez."


def clustered_points(
    layer_id: str,
    url: str | None,
    hideout: dict[str, Any],
    *,
    radius: int,
    max_zoom: int,
    functions: tuple[str, str, str],
) -> dl.GeoJSON:
    """A layer of points clustered up to `max_zoom`; `functions`: the cluster, point and
    each-feature functions of the assets."""
    cluster, point, each = functions
    return dl.GeoJSON(
        id=layer_id,
        url=url,
        hideout=hideout,
        cluster=True,
        superClusterOptions={"radius": radius, "maxZoom": max_zoom},
        clusterToLayer=js_function(cluster),
        pointToLayer=js_function(point),
        onEachFeature=js_function(each),
        zoomToBoundsOnClick=True,
    )


def residence_layer() -> dl.GeoJSON:
    """The residences of the area in view, or its grid clusters: `data` follows the map
    (`callbacks/map_viewport.py`)."""
    return dl.GeoJSON(
        id=MapIds.RESIDENCES,
        data=None,
        hideout={},
        pointToLayer=js_function("viewportPoint"),
        onEachFeature=js_function("viewportEach"),
        zoomToBoundsOnClick=False,
    )


# Equipment points are clustered up to this zoom.
EQUIPMENT_CLUSTER_MAX_ZOOM = 16
EQUIPMENT_COLOURS = {
    "maternelle": "#e6550d",
    "elementaire": "#fd8d3c",
    "college": "#a63603",
    "creche": "#d6616b",
    "medecin": "#3182bd",
    "pharmacie": "#31a354",
    "alimentation": "#756bb1",
    "poste": "#fdd835",
    "arret": "#6a1b9a",
    "gare": "#5d4037",
}


def equipment_layer(family: str, url: str) -> dl.GeoJSON:
    """The public equipment points of one family, clustered, with name and type on hover."""
    return clustered_points(
        f"{MapIds.OVERLAY_PREFIX}{family}",
        url,
        {"family": family, "colour": EQUIPMENT_COLOURS[family]},
        radius=50,
        max_zoom=EQUIPMENT_CLUSTER_MAX_ZOOM,
        functions=("equipmentCluster", "equipmentPoint", "equipmentEach"),
    )


def outline_scales(selected: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The zone scales whose outlines the overlays `selected` draw."""
    return tuple(
        sorted({OVERLAY_SCALES[name] for name in selected or () if name in OVERLAY_SCALES})
    )


def overlay_layers(
    selected: list[str] | tuple[str, ...],
    outlines: dict[str, dict[str, Any]],
    equipment_url: dict[str, str] | None = None,
) -> list:
    """The outline layers ticked in the layers selector (names ride on the communes), with
    the zones of the area in view of each scale in `outlines` (a scale missing is not
    drawn), and the equipment layers ticked."""
    chosen = [name for name in OVERLAYS if name in (selected or ())]
    layers = []
    for name in chosen:
        if name in EQUIPMENT_FAMILIES:
            if equipment_url and name in equipment_url:
                layers.append(equipment_layer(name, equipment_url[name]))
            continue
        if name == "noms" and "communes" in chosen:
            continue  # drawn with the commune boundaries below
        if OVERLAY_SCALES[name] not in outlines:
            continue
        names = name == "noms" or (name == "communes" and "noms" in chosen)
        layers.append(
            dl.GeoJSON(
                id=f"{MapIds.OVERLAY_PREFIX}{name}",
                data=outlines[OVERLAY_SCALES[name]],
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
    layers get their features with the area in view and their style from the first
    restyle."""
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
        zoom=fitting_zoom(bounds),
        minZoom=lowest_zoom(bounds),
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
            legend_button(),
            legend_box,
            area_link,
            table_toggle(),
            table_container(),
            zone_style_holder(),
            html.Div(
                [
                    html.Div(id=MapIds.ZONE_NOTICE, className="map-zone-notice", role="status"),
                    html.Div(id=MapIds.OUTLINE_NOTICE, className="map-zone-notice", role="status"),
                ],
                className="map-notices",
            ),
            dcc.Store(id=MapIds.CLICKED),
            dcc.Store(id=MapIds.ZONE_AREA),
            dcc.Store(id=MapIds.ZONE_SCALE),
            dcc.Store(id=MapIds.OUTLINE_AREA),
            dcc.Store(id=MapIds.RESIDENCE_AREA),
            dcc.Store(id=MapIds.RESIDENCE_SCALE, data=False),
        ],
        className="map-wrap",
    )
