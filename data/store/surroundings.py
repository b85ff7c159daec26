"""What a printed residence sheet adds to the sheet: its surroundings for a small map
(the outline of its IRIS, the residences around it) and the trend of its figures."""

from __future__ import annotations

import json
import math

from data.scope import AccessScope
from data.store.rows import IndicatorRows
from data.store.types import Surroundings, TrendPoint

# The half-width of the small map, in metres, and the residences drawn on it at most.
SURROUNDINGS_RADIUS_M = 450
MAX_NEIGHBOURS = 200
METRES_PER_DEGREE_LAT = 111_320


class ResidenceSurroundings(IndicatorRows):
    def surroundings(self, residence_id: str) -> Surroundings | None:
        """The residence's place, its IRIS and QPV outlines and the residences within the
        small map's square (places only: the map shows every signatory these points)."""
        row = (
            self._cursor()
            .execute(
                "SELECT lon, lat, iris_code, qpv_code FROM residences WHERE residence_id = ?",
                [residence_id],
            )
            .fetchone()
        )
        if row is None or row[0] is None or row[1] is None:
            return None
        lon, lat, iris_code, qpv_code = row
        half_lat = SURROUNDINGS_RADIUS_M / METRES_PER_DEGREE_LAT
        half_lon = half_lat / max(math.cos(math.radians(lat)), 0.1)
        cursor = self._cursor()
        outlines = cursor.execute(
            "SELECT geometry_geojson FROM zones WHERE (scale = 'iris' AND code = ?) "
            "OR (scale = 'qpv' AND code = ?) ORDER BY scale",
            [iris_code, qpv_code],
        ).fetchall()
        neighbours = cursor.execute(
            "SELECT lon, lat FROM residences WHERE residence_id <> ? "
            "AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? LIMIT ?",
            [residence_id, lon - half_lon, lon + half_lon, lat - half_lat, lat + half_lat,
             MAX_NEIGHBOURS],
        ).fetchall()  # fmt: skip
        return Surroundings(
            lon=lon,
            lat=lat,
            half_width_deg_lon=half_lon,
            half_width_deg_lat=half_lat,
            outlines=tuple(json.loads(text) for (text,) in outlines if text),
            neighbours=tuple((x, y) for x, y in neighbours),
        )

    def residence_trend(
        self,
        residence_id: str,
        commune_code: str,
        bailleur_code: str,
        indicator_ids: tuple[str, ...],
        scope: AccessScope,
    ) -> dict[str, tuple[TrendPoint, ...]]:
        """Each indicator's values over the vintages, for the themes `scope` sees of this
        residence (the warehouse holds no value of a secret residence)."""
        themes = scope.residence_themes(commune_code, bailleur_code)
        trend: dict[str, list[TrendPoint]] = {}
        for indicator_id, theme, year, value, status in self._code_rows(
            "residence", residence_id, scope
        ):
            if indicator_id in indicator_ids and theme in themes:
                trend.setdefault(indicator_id, []).append((year, value, status))
        return {key: tuple(points) for key, points in trend.items()}
