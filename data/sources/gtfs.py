"""GTFS stops reader: the stops (location_type 0 or empty) of `stops.txt` files, into `stops`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources.csvload import FileSpec, load_files
from data.sources.fields import Codes, Field, Number, as_number

# GTFS location_type: 0 stop, 1 station, 2 entrance, 3 generic node, 4 boarding area.
LOCATION_TYPES = ("0", "1", "2", "3", "4")

FIELDS = [
    Field("stop_id", required=True),
    Field("stop_name"),
    Field("stop_lat", Number(-90, 90, what="latitude en degrés décimaux"), required=True),
    Field("stop_lon", Number(-180, 180, what="longitude en degrés décimaux"), required=True),
    Field("location_type", Codes(LOCATION_TYPES), optional=True),
]
SELECT = f"stop_id, stop_name, {as_number('stop_lon')}, {as_number('stop_lat')}"
SPEC = FileSpec(FIELDS, SELECT, delimiter=",", keep="coalesce(location_type, '0') = '0'")


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "stops") -> int:
    """Create `table` (stop_id, stop_name, lon, lat) from GTFS stops.txt files."""
    return load_files(con, paths, table, "stops", lambda path: SPEC)
