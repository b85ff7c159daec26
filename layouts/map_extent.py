"""The zoom that shows a territory whole: the map's first view, computed from its box.

dash-leaflet opens the map at its `center` and `zoom` (its `bounds` are not fitted on
the first render), so the zoom is worked out here, in Web Mercator, for a map of
MAP_SIZE pixels (the map column of a 1366 × 768 laptop screen): the MEL at 10, a
département at 9 or 10, Corsica at 8, France at 5.
"""

from __future__ import annotations

import math

TILE_PIXELS = 256
MAP_SIZE = (800, 500)  # width, height in pixels
MAX_FITTING_ZOOM = 16
# The map's own lowest zoom, unless a territory needs less to be seen whole.
MIN_MAP_ZOOM = 8


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fitting_zoom(bounds: list[list[float]]) -> int:
    """The largest whole zoom at which the box [[south, west], [north, east]] fits."""
    (south, west), (north, east) = bounds
    width, height = MAP_SIZE
    spans = (
        (math.radians(max(east - west, 1e-6)), width),
        (max(_mercator_y(north) - _mercator_y(south), 1e-6), height),
    )
    zooms = [math.log2(pixels * 2 * math.pi / (TILE_PIXELS * span)) for span, pixels in spans]
    return max(0, min(MAX_FITTING_ZOOM, math.floor(min(zooms))))


def lowest_zoom(bounds: list[list[float]]) -> int:
    """How far out the map lets a user zoom: MIN_MAP_ZOOM, or the territory's fitting
    zoom when it needs less (a region, France)."""
    return min(MIN_MAP_ZOOM, fitting_zoom(bounds))
