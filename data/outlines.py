"""The zones' outlines by zoom: how much detail the map draws of a zone at each zoom.

The pipeline writes each zone's outline once per level (`zones.parquet`: a column per
level, simplified as a coverage so that neighbours keep one shared edge), the store
sends the level of the zoom asked for. A level's tolerance is that of the coverage
simplification (Visvalingam-Whyatt: the square root of the triangle areas removed),
about three screen pixels at its highest zoom in the north of France; above the last
level the zone's web outline (`geometry_geojson`) is drawn.
`assets/atlas_map_viewport.js` knows the same zooms (`OUTLINE_ZOOMS`), to ask for a
zone layer again when the level changes.
"""

from __future__ import annotations

from typing import NamedTuple


class OutlineLevel(NamedTuple):
    up_to_zoom: int
    tolerance_metres: float
    precision_degrees: float

    @property
    def column(self) -> str:
        return f"geometry_geojson_z{self.up_to_zoom}"


OUTLINE_LEVELS = (
    OutlineLevel(8, 1000.0, 1e-3),
    OutlineLevel(10, 300.0, 1e-4),
)
FINEST_COLUMN = "geometry_geojson"


def outline_column(zoom: int) -> str:
    """The column of `zones` holding the outline drawn at `zoom`."""
    for level in OUTLINE_LEVELS:
        if zoom <= level.up_to_zoom:
            return level.column
    return FINEST_COLUMN
