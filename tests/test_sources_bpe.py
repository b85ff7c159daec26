"""BPE reader: equipment points, and each malformed case."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import bpe
from tests.support.sources import assert_schema, raises_at, write_csv

HEADER = ["DEPCOM", "DCIRIS", "AN", "TYPEQU", "LAMBERT_X", "LAMBERT_Y", "QUALITE_XY"]
SCHOOL = ["59512", "595120101", "2024", "C104", "709123.4", "7064321.0", "Bonne"]
PHARMACY = ["59350", "59350", "2024", "D307", "", "", "Non géolocalisé"]
POST = ["59350", "59350_0102", "2024", "A206", "703000", "7058000", "Bonne"]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_valid_file_gives_points_with_iris_codes(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "BPE_2024.csv", HEADER, [SCHOOL, PHARMACY, POST], encoding="cp1252")
    assert bpe.load(con, [path]) == 3
    assert_schema(con, "bpe", "bpe")
    assert con.execute("SELECT * FROM bpe ORDER BY typequ").fetchall() == [
        (2024, "59350", "593500102", "A206", 703000.0, 7058000.0),
        (2024, "59512", "595120101", "C104", 709123.4, 7064321.0),
        (2024, "59350", "593500000", "D307", None, None),
    ]


@pytest.mark.parametrize(
    ("index", "value", "column", "words"),
    [
        (2, "2023", "AN", "différente de 2024"),
        (3, "C10", "TYPEQU", "code d'équipement"),
        (4, "3.0712", "LAMBERT_X", "hors limites"),
        (5, "7064321,5", "LAMBERT_Y", "point décimal"),
        (1, "5951201", "DCIRIS", "code IRIS"),
    ],
)
def test_bad_value_is_reported_at_its_line_and_column(
    con, tmp_path: Path, index: int, value: str, column: str, words: str
) -> None:
    bad = list(SCHOOL)
    bad[index] = value
    path = write_csv(tmp_path / "BPE_2024.csv", HEADER, [SCHOOL, bad])
    error = raises_at(lambda: bpe.load(con, [path]), 3, column)
    assert words in error.message


def test_missing_column_is_named(con, tmp_path: Path) -> None:
    header = [name for name in HEADER if name != "TYPEQU"]
    path = write_csv(tmp_path / "BPE_2024.csv", header, [])
    raises_at(lambda: bpe.load(con, [path]), 1, "TYPEQU")


def test_truncated_line_is_reported(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "BPE_2024.csv", HEADER, [SCHOOL, SCHOOL[:5]])
    raises_at(lambda: bpe.load(con, [path]), 3, "LAMBERT_Y")
