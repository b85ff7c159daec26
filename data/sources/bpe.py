"""BPE reader: equipment points in Lambert-93, stacked into `bpe`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources.csvload import FileSpec, load_files
from data.sources.fields import (
    DEPCOM,
    LAMBERT93_X,
    LAMBERT93_Y,
    Field,
    Number,
    Pattern,
    as_integer,
    as_number,
    vintage_column,
)
from data.sources.layout import year_in_name

# IRIS code, with or without an underscore after the commune (59350_0101), or the commune
# code alone for a commune not split into IRIS.
DCIRIS = r"([0-9]{5}|2[AB][0-9]{3})(_?[0-9]{4})?"


def fields(vintage: int | None) -> list[Field]:
    return [
        Field("DEPCOM", Pattern(DEPCOM, "code commune INSEE à 5 caractères"), required=True),
        Field("DCIRIS", Pattern(DCIRIS, "code IRIS (9 caractères) ou code commune")),
        Field("AN", vintage_column(vintage), required=True),
        Field(
            "TYPEQU",
            Pattern(r"[A-G][0-9]{3}", "code d'équipement (lettre A–G et 3 chiffres)"),
            required=True,
        ),
        Field("LAMBERT_X", Number(*LAMBERT93_X, what="abscisse Lambert-93 en mètres")),
        Field("LAMBERT_Y", Number(*LAMBERT93_Y, what="ordonnée Lambert-93 en mètres")),
        Field("QUALITE_XY", optional=True),
    ]


SELECT = f"""{as_integer("an")}, depcom,
    CASE WHEN length(dciris) = 5 THEN dciris || '0000' ELSE replace(dciris, '_', '') END,
    typequ, {as_number("lambert_x")}, {as_number("lambert_y")}"""


def spec_for(path: Path) -> FileSpec:
    return FileSpec(fields(year_in_name(path, "bpe")), SELECT)


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "bpe") -> int:
    """Create `table` from BPE files; the year is the AN column (that of the file name)."""
    return load_files(con, paths, table, "bpe", spec_for)
