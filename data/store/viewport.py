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
import threading

from data.store.features import MapFeatures
from data.store.viewport_types import Area, AreaContent, AreaResidence, GridCluster

IN_AREA = "lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
# Grid clusters of the whole territory for one cell size (the `?`, in metres), by the
# square holding each residence: computed once per size, so that a cluster is the same
# whatever area shows it, and an area only picks the cells whose residences' mean
# position lies in it. A cell of one residence is drawn as that residence (`first_id`).
CELLS_TABLE_SQL = """
    CREATE TABLE IF NOT EXISTS residence_cells (
        cell_metres DOUBLE, residences BIGINT, dwellings BIGINT, unpublished BIGINT,
        lon DOUBLE, lat DOUBLE, west DOUBLE, south DOUBLE, east DOUBLE, north DOUBLE,
        first_id VARCHAR
    )
"""
CELLS_SQL = """
    INSERT INTO residence_cells
    SELECT ?, count(*),
           coalesce(sum(n_dwellings) FILTER (WHERE NOT secret), 0),
           count(*) FILTER (WHERE secret OR n_dwellings IS NULL),
           avg(lon), avg(lat), min(lon), min(lat), max(lon), max(lat),
           min(residence_id)
    FROM residences
    WHERE lon IS NOT NULL AND lat IS NOT NULL
    GROUP BY floor(x_l93 / ?), floor(y_l93 / ?)
"""
CLUSTERS_SQL = f"""
    SELECT residences, dwellings, unpublished, lon, lat, west, south, east, north, first_id
    FROM residence_cells
    WHERE cell_metres = ? AND {IN_AREA}
    ORDER BY first_id
"""


class AreaResidences(MapFeatures):
    _cells_lock = threading.Lock()

    @functools.cached_property
    def _points_by_code(self) -> dict[str, AreaResidence]:
        return {
            code: AreaResidence(i, code, name, size_class, bool(secret), lon, lat)
            for i, (code, name, size_class, secret, lon, lat) in enumerate(self._located_residences)
        }

    @functools.cached_property
    def _cell_sizes(self) -> set[float]:
        """The cell sizes whose clusters `residence_cells` holds."""
        self._cursor().execute(CELLS_TABLE_SQL)
        return set()

    def _cells_of_size(self, cell_metres: float) -> None:
        """Group the territory's residences on squares of `cell_metres`, once."""
        with self._cells_lock:
            if cell_metres not in self._cell_sizes:
                self._cursor().execute(CELLS_SQL, [cell_metres, cell_metres, cell_metres])
                self._cell_sizes.add(cell_metres)

    def residences_in_area(self, area: Area, budget: int, cell_metres: float) -> AreaContent:
        """The residences inside `area`: each one when there are at most `budget`, else
        the grid clusters of squares of `cell_metres` centred in it (a square of one
        residence stays a point)."""
        cursor = self._cursor()
        points = self._points_by_code
        # one more than the budget tells that there are too many, without counting them all
        rows = cursor.execute(
            f"SELECT residence_id FROM residences WHERE {IN_AREA} LIMIT ?",
            [*area.parameters, budget + 1],
        ).fetchall()
        if len(rows) <= budget:
            return AreaContent(tuple(sorted(points[code] for (code,) in rows)), ())
        self._cells_of_size(cell_metres)
        cells = cursor.execute(CLUSTERS_SQL, [cell_metres, *area.parameters]).fetchall()
        alone, clusters = [], []
        for count, dwellings, unpublished, lon, lat, *extent, first_id in cells:
            if count == 1:
                alone.append(points[first_id])
            else:
                clusters.append(
                    GridCluster(count, int(dwellings), unpublished, lon, lat, Area(*extent))
                )
        return AreaContent(tuple(alone), tuple(clusters))
