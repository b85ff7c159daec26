"""OPS reader: households with typed values, and each malformed case."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import ops
from tests.support.sources import OPS_HEADER, assert_schema, ops_row, raises_at, write_csv


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def household(**changes: str) -> list[str]:
    values = dict(zip(OPS_HEADER, ops_row(), strict=True))
    values.update(changes)
    return [values[name] for name in OPS_HEADER]


def test_valid_files_give_typed_households_per_survey_year(con, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "OPS_2022.csv", OPS_HEADER, [household()])
    rows = [
        household(IDENT_INT="L2", COMPO="4", NB_ENFANTS="2", NB_OCCUPANTS="3", APL="0",
                  TRANCHE_REVENU="9", NB_ADULTES_EMPLOI=""),
    ]  # fmt: skip
    second = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows, encoding="cp1252")
    assert ops.load(con, [first, second]) == 2
    assert_schema(con, "ops", "ops")
    assert con.execute("SELECT * FROM ops ORDER BY year").fetchall() == [
        (2022, "900000001", "L1", "59512", "1", 0, 1, 67, "2", True, 1, 0, 2015),
        (2024, "900000001", "L2", "59512", "4", 2, 3, 67, "9", False, 1, None, 2015),
    ]


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"COMPO": "6"}, "COMPO", "code inconnu « 6 »"),
        ({"TRANCHE_REVENU": "0"}, "TRANCHE_REVENU", "code inconnu"),
        ({"APL": "oui"}, "APL", "code inconnu"),
        ({"NB_ENFANTS": "2,5"}, "NB_ENFANTS", "nombre entier"),
        ({"AGE_TITULAIRE": "8"}, "AGE_TITULAIRE", "hors limites"),
        ({"ANNEE_ENTREE": "2025"}, "ANNEE_ENTREE", "hors limites"),
        ({"DEPCOM": "59 512"}, "DEPCOM", "code commune"),
        ({"SIREN_BAILLEUR": ""}, "SIREN_BAILLEUR", "valeur manquante"),
    ],
)
def test_bad_value_is_reported_at_its_line_and_column(
    con, tmp_path: Path, changes: dict[str, str], column: str, words: str
) -> None:
    rows = [household(), household(**changes), household(COMPO="0")]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    error = raises_at(lambda: ops.load(con, [path]), 3, column)
    assert words in error.message


def test_missing_column_is_named(con, tmp_path: Path) -> None:
    header = [name for name in OPS_HEADER if name != "TRANCHE_REVENU"]
    path = write_csv(tmp_path / "OPS_2024.csv", header, [])
    raises_at(lambda: ops.load(con, [path]), 1, "TRANCHE_REVENU")


def test_truncated_line_is_reported(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, [household(), household()[:9]])
    raises_at(lambda: ops.load(con, [path]), 3, "NB_ADULTES")
