"""Writing raw files and checking what the readers make of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

from data.sources.errors import SourceError
from data.sources.schema import NORMALIZED_TABLES


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def raises_at(load, line: int | None, column: str | None) -> SourceError:
    """Run `load()`, assert it raises a SourceError at `line` and `column`, return it."""
    with pytest.raises(SourceError) as caught:
        load()
    error = caught.value
    assert (error.line, error.column) == (line, column), str(error)
    return error


def table_types(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def assert_schema(con: duckdb.DuckDBPyConnection, table: str, schema_name: str) -> None:
    assert table_types(con, table) == NORMALIZED_TABLES[schema_name]


OPS_HEADER = [
    "SIREN_BAILLEUR", "IDENT_INT", "DEPCOM", "COMPO", "NB_ENFANTS", "NB_OCCUPANTS",
    "AGE_TITULAIRE", "TRANCHE_REVENU", "APL", "NB_ADULTES", "NB_ADULTES_EMPLOI", "ANNEE_ENTREE",
]  # fmt: skip


def ops_row(ident: str = "L1", compo: str = "1") -> list[str]:
    return ["900000001", ident, "59512", compo, "0", "1", "67", "2", "1", "1", "0", "2015"]
