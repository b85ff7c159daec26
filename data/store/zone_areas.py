"""The zones of one area of the map, at the detail of its zoom, or none above a budget.

The map asks for the zones of the area it shows (with a margin) at the level of detail
of its zoom (`data/outlines.py`): a zone is sent when its bounding box meets the area,
with its index `i` in the scale's map order, so that the style (classes and labels by
position) colours whatever is loaded. Above the budget the layer stays empty and the
map says how many zones the view holds: drawing tens of thousands of outlines would
stall any browser, and the user zooms in.
"""

from __future__ import annotations

from data.outlines import outline_column
from data.store.features import MapFeatures, collection_text, zone_feature_text
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
            return ZoneAreaContent(count, (), collection_text(()))
        rows = cursor.execute(
            f"SELECT code, name, {outline_column(zoom)} FROM zones "
            f"WHERE scale = ? AND {MEETS_AREA} ORDER BY code",
            [scale, *bounds],
        ).fetchall()
        index = self.map_index(scale)
        return ZoneAreaContent(
            count,
            tuple(index[code] for code, _, _ in rows),
            collection_text(
                zone_feature_text(index[code], code, name, scale, outline)
                for code, name, outline in rows
            ),
        )
