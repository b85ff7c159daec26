"""The zones of one area of the map, at the detail of its zoom, or none above a budget.

The map asks for the zones of the area it shows (with a margin) at the level of detail
of its zoom (`data/outlines.py`): a zone is sent when its bounding box meets the area,
with its index `i` in the scale's map order, so that the style (classes and labels by
position) colours whatever is loaded. Above the budget the layer stays empty and the
map says how many zones the view holds: drawing tens of thousands of outlines would
stall any browser, and the user zooms in.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from data.outlines import outline_column
from data.store.features import MapFeatures
from data.store.viewport_types import Area, ZoneAreaContent

MEETS_AREA = "max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?"


class AreaZones(MapFeatures):
    def zones_in_area(self, scale: str, area: Area, zoom: int, budget: int) -> ZoneAreaContent:
        """The zones of `scale` meeting `area`, their outline at the detail of `zoom`; none
        when more than `budget` meet it (`count` says how many)."""
        bounds = [area.west, area.east, area.south, area.north]
        cursor = self._cursor()
        (count,) = cursor.execute(
            f"SELECT count(*) FROM zones WHERE scale = ? AND {MEETS_AREA}", [scale, *bounds]
        ).fetchone()
        if count > budget:
            return ZoneAreaContent(count, (), ())
        rows = cursor.execute(
            f"SELECT code, name, {outline_column(zoom)} FROM zones "
            f"WHERE scale = ? AND {MEETS_AREA} ORDER BY code",
            [scale, *bounds],
        ).fetchall()
        index = self.map_index(scale)
        return ZoneAreaContent(
            count,
            tuple(index[code] for code, _, _ in rows),
            tuple(
                zone_feature(index[code], code, name, scale, outline)
                for code, name, outline in rows
            ),
        )


# Kept for the process (a few views of France's IRIS): areas overlap, and parsing the
# outlines again for each would cost more than the rest of the answer.
@functools.lru_cache(maxsize=20_000)
def zone_feature(i: int, code: str, name: str, scale: str, outline: str) -> dict[str, Any]:
    """One zone as a GeoJSON feature: its index `i` in the map order, code, name, scale."""
    return {
        "type": "Feature",
        "properties": {"i": i, "code": code, "name": name, "scale": scale},
        "geometry": json.loads(outline),
    }
