"""Filosofi reader: disposable income by IRIS (BASE_TD_FILO_IRIS_<yy>_DISP), into `filosofi`.

The vintage suffix of the columns (`DISP_MED21`) is dropped; `ns` (not significant) and
`nd` (not available) are read as NULL, never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources.csvload import FileSpec, load_files, require_year
from data.sources.fields import DEPCOM, IRIS_CODE, Field, Number, Pattern, as_number

NOT_PUBLISHED = ("ns", "nd")
MEASURES = ("MED", "TP60", "Q1", "Q3", "D1", "D9", "RD", "GI", "PPMINI")


def fields(vintage: int) -> list[Field]:
    suffix = f"{vintage % 100:02d}"
    measures = [
        Field(
            f"DISP_{measure}{suffix}",
            Number(0, None, comma=True),
            alias=f"disp_{measure.lower()}",
            missing_markers=NOT_PUBLISHED,
        )
        for measure in MEASURES
    ]
    return [
        Field("IRIS", Pattern(IRIS_CODE, "code IRIS à 9 caractères"), required=True),
        Field("LIBIRIS", optional=True),
        Field("COM", Pattern(DEPCOM, "code commune INSEE à 5 caractères"), required=True),
        Field("LIBCOM", optional=True),
        *measures,
    ]


def select(vintage: int) -> str:
    measures = ", ".join(as_number(f"disp_{measure.lower()}") for measure in MEASURES)
    return f"{vintage}, iris, com, {measures}"


def spec_for(path: Path) -> FileSpec:
    vintage = require_year(path, "filosofi")
    return FileSpec(fields(vintage), select(vintage))


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "filosofi") -> int:
    """Create `table` from files named BASE_TD_FILO_IRIS_<yy>_DISP.csv (income year 20yy)."""
    return load_files(con, paths, table, "filosofi", spec_for)
