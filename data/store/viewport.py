"""The residences of one area of the map: each point, or grid clusters above a budget.

The map asks for the area it shows (with a margin); when more residences lie there
than the browser draws quickly, they are grouped on a grid of Lambert-93 squares
(metres, so that every cell covers the same ground). A cluster carries what every
signatory may already read residence by residence: how many residences (each is drawn
on the map, secret or not) and the sum of the dwellings *published* for them. A secret
residence's dwellings are never summed, even if the table held them: a cluster total is
then a sum of published values and tells nothing that they do not.
"""

from __future__ import annotations

import functools

from data.store.features import MapFeatures
from data.store.viewport_types import Area, AreaContent, AreaResidence, GridCluster

IN_AREA = "lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
# Grid clusters, by the square of `cell` metres holding each residence; a cell of one
# residence is drawn as that residence (`first_id`).
CLUSTERS_SQL = f"""
    SELECT count(*) AS residences,
           coalesce(sum(n_dwellings) FILTER (WHERE NOT secret), 0) AS dwellings,
           count(*) FILTER (WHERE secret OR n_dwellings IS NULL) AS unpublished,
           avg(lon), avg(lat), min(lon), min(lat), max(lon), max(lat),
           min(residence_id) AS first_id
    FROM residences
    WHERE {IN_AREA}
    GROUP BY floor(x_l93 / ?), floor(y_l93 / ?)
    ORDER BY first_id
"""


class AreaResidences(MapFeatures):
    @functools.cached_property
    def _points_by_code(self) -> dict[str, AreaResidence]:
        return {
            code: AreaResidence(i, code, name, size_class, bool(secret), lon, lat)
            for i, (code, name, size_class, secret, lon, lat) in enumerate(self._located_residences)
        }

    def residences_in_area(self, area: Area, budget: int, cell_metres: float) -> AreaContent:
        """The residences inside `area`: each one when there are at most `budget`, else
        clustered on squares of `cell_metres` (a square of one residence stays a point)."""
        cursor = self._cursor()
        total = cursor.execute(
            f"SELECT count(*) FROM residences WHERE {IN_AREA}", area.parameters
        ).fetchone()
        points = self._points_by_code
        if total is None or total[0] <= budget:
            rows = cursor.execute(
                f"SELECT residence_id FROM residences WHERE {IN_AREA} ORDER BY residence_id",
                area.parameters,
            ).fetchall()
            return AreaContent(tuple(points[code] for (code,) in rows), ())
        rows = cursor.execute(CLUSTERS_SQL, [*area.parameters, cell_metres, cell_metres])
        alone, clusters = [], []
        for count, dwellings, unpublished, lon, lat, *extent, first_id in rows.fetchall():
            if count == 1:
                alone.append(points[first_id])
            else:
                clusters.append(
                    GridCluster(count, int(dwellings), unpublished, lon, lat, Area(*extent))
                )
        return AreaContent(tuple(alone), tuple(clusters))
