"""Where a convention's perimeter lies: the box the map opens on for its users."""

from __future__ import annotations

from collections.abc import Collection

from data.store.connection import Warehouse

# (south, west, north, east) in degrees, as Leaflet's bounds read them.
Box = tuple[float, float, float, float]


class PerimeterExtent(Warehouse):
    def perimeter_box(self, communes: Collection[str], bailleurs: Collection[str]) -> Box | None:
        """The box of the communes' outlines, or of the landlords' residences; None for a
        whole-territory convention, or when nothing of the perimeter is in the warehouse."""
        if communes:
            sql = (
                "SELECT min(min_lat), min(min_lon), max(max_lat), max(max_lon) FROM zones "
                "WHERE scale = 'commune' AND list_contains(?, code)"
            )
            codes = sorted(communes)
        elif bailleurs:
            sql = (
                "SELECT min(lat), min(lon), max(lat), max(lon) FROM residences "
                "WHERE lon IS NOT NULL AND list_contains(?, bailleur_code)"
            )
            codes = sorted(bailleurs)
        else:
            return None
        row = self._cursor().execute(sql, [codes]).fetchone()
        if row is None or any(value is None for value in row):
            return None
        return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
