"""The warehouse loaded into DuckDB: one connection per process, a cursor per call.

The Parquet files are read once at start into an in-memory database; each call works on
its own cursor so that gunicorn threads do not share one. Parameters are always bound.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

WAREHOUSE_TABLES = (
    "zones",
    "residences",
    "indicators",
    "equipments",
    "proximity",
    "attributions",
    "quartile_thresholds",
)
# The rows of `indicators` again, sorted by zone or residence: a panel reads the ~300 rows
# of a few codes among ~800 000, which the table sorted by indicator and year cannot skip to.
INDICATORS_BY_CODE_SQL = """
    CREATE TABLE indicators_by_code AS
    SELECT scale, code, indicator_id, theme, year, value, status FROM indicators
    ORDER BY code
"""


class WarehouseMissing(RuntimeError):
    """The warehouse directory has not been built (run `make data`)."""


class Warehouse:
    """The tables of one warehouse build, and what its manifest says."""

    def __init__(self, data_dir: Path) -> None:
        # `make data` switches the warehouse directory (a link) to a new build: every file
        # is read from the build it names now, which the store keeps until the process ends.
        data_dir = Path(data_dir).resolve()
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
        self._connection.execute(INDICATORS_BY_CODE_SQL)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    @property
    def is_demo(self) -> bool:
        return bool(self.manifest.get("demo"))

    @property
    def secrecy_threshold(self) -> int:
        return int(self.manifest.get("secrecy_threshold", 11))
