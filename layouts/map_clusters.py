"""The residence layer of the visible area: points, and grid clusters above a budget.

Points keep their index `i` in the residence map order, so the layer's `hideout`
(classes and labels by position, `callbacks/map_style.py`) colours whatever is in view.
A cluster is a point feature with `cluster: true`: the map draws it as a count and
zooms in on a click (`assets/atlas_map_viewport.js`); the selection ignores it.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from data.store.viewport_types import AreaContent, AreaResidence, GridCluster
from layouts.formatting import format_number

# Above this many residences in the loaded area (the view and its margin), the server
# sends clusters: at most about 250 KB and a second of drawing for any view.
POINT_BUDGET = 2000
# A cluster covers about this many screen pixels square, at the middle of France.
CLUSTER_PIXELS = 100
METRES_PER_PIXEL_AT_ZOOM_0 = 156_543.03 * math.cos(math.radians(46.5))
COORDINATE_DECIMALS = 5


def cell_metres(zoom: int) -> float:
    """The side of a grid cell at `zoom`, in Lambert-93 metres."""
    return CLUSTER_PIXELS * METRES_PER_PIXEL_AT_ZOOM_0 / 2**zoom


def cluster_label(cluster: GridCluster) -> str:
    """What a cluster's tooltip says: only counts every signatory may read."""
    text = (
        f"{format_number(cluster.residences)} résidences, "
        f"{format_number(cluster.dwellings)} logements publiés"
    )
    if cluster.unpublished:
        text += (
            f" (dont {format_number(cluster.unpublished)} "
            f"résidence{'s' if cluster.unpublished > 1 else ''} au secret statistique, "
            "logements non comptés)"
        )
    return text


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {
        "type": "Point",
        "coordinates": [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)],
    }


# Kept for the process: areas overlap, and a residence's point never changes.
@functools.lru_cache(maxsize=250_000)
def residence_feature(residence: AreaResidence) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _point(residence.lon, residence.lat),
        "properties": {
            "i": residence.i,
            "code": residence.code,
            "name": residence.name,
            "size": residence.size_class,
            "secret": residence.secret,
            "scale": "residence",
        },
    }


def cluster_feature(cluster: GridCluster) -> dict[str, Any]:
    extent = cluster.extent
    return {
        "type": "Feature",
        "geometry": _point(cluster.lon, cluster.lat),
        "properties": {
            "cluster": True,
            "residences": cluster.residences,
            "short": format_number(cluster.residences),
            "dwellings": cluster.dwellings,
            "label": cluster_label(cluster),
            "extent": [
                round(value, COORDINATE_DECIMALS)
                for value in (extent.south, extent.west, extent.north, extent.east)
            ],
        },
    }


def area_collection(content: AreaContent) -> dict[str, Any]:
    """The GeoJSON the residence layer draws for one area."""
    return {
        "type": "FeatureCollection",
        "features": [
            *(residence_feature(point) for point in content.points),
            *(cluster_feature(cluster) for cluster in content.clusters),
        ],
    }


def point_indices(collection: dict[str, Any]) -> list[int]:
    """The `i` of each residence drawn as a point in a layer (clusters have none): the
    entries its hideout needs."""
    return [
        feature["properties"]["i"]
        for feature in collection["features"]
        if not feature["properties"].get("cluster")
    ]


EMPTY_COLLECTION: dict[str, Any] = {"type": "FeatureCollection", "features": []}
