"""Writing the warehouse files, and swapping a finished warehouse in place of the old one."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
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


# Builds kept on disk beside the current one: an app pins the build it started on (see
# gunicorn.conf.py), and a worker it restarts later must still find that build's files.
KEEP_BUILDS = 3


def builds_dir(out_dir: Path) -> Path:
    """Where the builds of the warehouse `out_dir` live, one directory each."""
    return out_dir.with_name(f"{out_dir.name}.builds")


def swap_in(new_dir: Path, out_dir: Path, keep: int = KEEP_BUILDS) -> Path:
    """Make `out_dir` show the build in `new_dir` (same parent); return where it now lives.

    The build moves to `<out_dir>.builds/<UTC time>/` and never changes again; `out_dir` is
    a relative symbolic link switched to it by one atomic rename, so that a reader sees the
    old build or the new one, never a mix nor nothing. A running app keeps the build it
    opened until it is restarted. The `keep` newest builds stay; older ones are deleted.
    """
    builds = builds_dir(out_dir)
    builds.mkdir(exist_ok=True)
    target = builds / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    os.rename(new_dir, target)
    earlier = None
    if out_dir.is_dir() and not out_dir.is_symlink():
        # A warehouse built before builds were kept: it joins them (the only moment when
        # `out_dir` is briefly missing), named for its time so that it sorts as older.
        stamp = datetime.fromtimestamp(out_dir.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S")
        earlier = builds / f"{stamp}000000Z-earlier"
        os.rename(out_dir, earlier)
    link = out_dir.with_name(f".{out_dir.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.join(builds.name, target.name), link)
    try:
        os.replace(link, out_dir)
    except OSError:
        link.unlink(missing_ok=True)
        if earlier is not None:
            os.rename(earlier, out_dir)
        raise
    for old in sorted(path for path in builds.iterdir() if path != target)[: -keep + 1 or None]:
        shutil.rmtree(old, ignore_errors=True)
    return target
