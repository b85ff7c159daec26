"""INSEE census reader: main residences per commune, from the "base logement" of the RP.

The commune file `base-cc-logement-<yyyy>.CSV` (INSEE, "Logement en <yyyy>", bases
communales du recensement de la population) is `;`-separated, one row per commune
(`CODGEO`) and some hundred columns named with the census year (`P21_LOG`, `P21_RP`,
`P21_RP_LOCHLMV`...); the counts are weighted, so they carry decimals. Only `P<yy>_RP`,
the main residences, is read, into table `census`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources.csvload import FileSpec, load_files, require_year
from data.sources.fields import DEPCOM, Field, Number, Pattern, as_number


def fields(vintage: int) -> list[Field]:
    return [
        Field("CODGEO", Pattern(DEPCOM, "code commune INSEE à 5 caractères"), required=True),
        Field(
            f"P{vintage % 100:02d}_RP",
            Number(0, None, comma=True, what="nombre de résidences principales"),
            required=True,
            alias="p_rp",
        ),
    ]


def select(vintage: int) -> str:
    return f"{vintage}, codgeo, {as_number('p_rp')}"


def spec_for(path: Path) -> FileSpec:
    vintage = require_year(path, "census")
    return FileSpec(fields(vintage), select(vintage))


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "census") -> int:
    """Create `table` from files named base-cc-logement-<yyyy>.CSV (census year yyyy)."""
    return load_files(con, paths, table, "census", spec_for)
