"""Writing the warehouse files, and swapping a finished warehouse in place of the old one."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import geopandas as gpd
import pandas as pd


def write_zones(zones: gpd.GeoDataFrame, path: Path) -> None:
    """GeoParquet (WKB geometry in WGS84 with its GeoParquet metadata)."""
    zones.to_parquet(path, index=False)


def write_table(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    con.execute(f"COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)")


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def swap_in(new_dir: Path, out_dir: Path) -> None:
    """Replace `out_dir` by `new_dir` (same parent): rename the old one away, rename the
    new one in, then delete the old one. Both renames are atomic on one filesystem."""
    old_dir = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.rename(out_dir, old_dir)
    try:
        os.rename(new_dir, out_dir)
    except OSError:
        if old_dir.exists():
            os.rename(old_dir, out_dir)
        raise
    shutil.rmtree(old_dir, ignore_errors=True)
