"""DuckDB over the warehouse: every SQL query of the app lives here.

One connection per process, opened at start over the Parquet files; each call works on
its own cursor so that gunicorn threads do not share one. Parameters are always bound.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

WAREHOUSE_TABLES = ("zones", "residences", "indicators")


class WarehouseMissing(RuntimeError):
    """The warehouse directory has not been built (run `make data`)."""


class Store:
    def __init__(self, data_dir: Path) -> None:
        manifest_path = data_dir / "manifest.json"
        if not manifest_path.exists():
            raise WarehouseMissing(f"no warehouse at {data_dir}: run `make data` first")
        self.data_dir = data_dir
        self.manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        self._connection = duckdb.connect(":memory:")
        for table in WAREHOUSE_TABLES:
            self._connection.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)",
                [str(data_dir / f"{table}.parquet")],
            )

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    @property
    def is_demo(self) -> bool:
        return bool(self.manifest.get("demo"))

    def zones_geojson(self, scale: str) -> dict[str, Any]:
        """The zones of one scale as a GeoJSON FeatureCollection (code and name only)."""
        rows = (
            self._cursor()
            .execute(
                "SELECT code, name, geometry_geojson FROM zones WHERE scale = ? ORDER BY code",
                [scale],
            )
            .fetchall()
        )
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"code": code, "name": name},
                    "geometry": json.loads(geometry),
                }
                for code, name, geometry in rows
            ],
        }
