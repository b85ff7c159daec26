"""Filosofi reader: decimal comma, ns/nd as NULL, vintage suffix, and each malformed case."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import filosofi
from tests.support.sources import assert_schema, raises_at, write_csv

MEASURES = ["MED", "TP60", "Q1", "Q3", "D1", "D9", "RD", "GI", "PPMINI"]
HEADER = ["IRIS", "LIBIRIS", "COM", "LIBCOM", *(f"DISP_{name}21" for name in MEASURES)]
PUBLISHED = ["595120101", "Épeule 1", "59512", "Roubaix", "14530", "38,5", "11200", "19850",
             "8120", "27340", "3,4", "0,332", "12,7"]  # fmt: skip
SECRET = ["593500000", "Lille", "59350", "Lille", "21030", "ns", "nd", "ns", "ns", "ns", "ns",
          "ns", "nd"]  # fmt: skip


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_valid_file_reads_decimal_comma_and_not_published_values(con, tmp_path: Path) -> None:
    path = tmp_path / "BASE_TD_FILO_IRIS_21_DISP.csv"
    write_csv(path, HEADER, [PUBLISHED, SECRET], encoding="cp1252")
    assert filosofi.load(con, [path]) == 2
    assert_schema(con, "filosofi", "filosofi")
    published, secret = con.execute("SELECT * FROM filosofi ORDER BY iris_code DESC").fetchall()
    assert published == (
        2021, "595120101", "59512", 14530.0, 38.5, 11200.0, 19850.0, 8120.0, 27340.0, 3.4,
        0.332, 12.7,
    )  # fmt: skip
    # ns / nd are missing values, never zero.
    assert secret == (2021, "593500000", "59350", 21030.0, *([None] * 8))


def test_library_columns_are_optional(con, tmp_path: Path) -> None:
    keep = [0, 2, *range(4, 13)]
    path = write_csv(
        tmp_path / "BASE_TD_FILO_IRIS_21_DISP.csv",
        [HEADER[i] for i in keep],
        [[PUBLISHED[i] for i in keep]],
    )
    assert filosofi.load(con, [path]) == 1


def test_columns_of_another_vintage_are_missing(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "BASE_TD_FILO_IRIS_22_DISP.csv", HEADER, [PUBLISHED])
    error = raises_at(lambda: filosofi.load(con, [path]), 1, "DISP_MED22")
    assert "DISP_PPMINI22" in error.message


@pytest.mark.parametrize(
    ("index", "value", "column", "words"),
    [
        (4, "14 530", "DISP_MED21", "invalide"),
        (5, "s", "DISP_TP6021", "invalide"),
        (11, "0,3,3", "DISP_GI21", "invalide"),
        (0, "59512010", "IRIS", "code IRIS"),
        (2, "", "COM", "valeur manquante"),
    ],
)
def test_bad_value_is_reported_at_its_line_and_column(
    con, tmp_path: Path, index: int, value: str, column: str, words: str
) -> None:
    bad = list(PUBLISHED)
    bad[index] = value
    path = write_csv(tmp_path / "BASE_TD_FILO_IRIS_21_DISP.csv", HEADER, [SECRET, bad])
    error = raises_at(lambda: filosofi.load(con, [path]), 3, column)
    assert words in error.message


def test_truncated_line_is_reported(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "BASE_TD_FILO_IRIS_21_DISP.csv", HEADER, [PUBLISHED[:6]])
    raises_at(lambda: filosofi.load(con, [path]), 2, "DISP_Q121")
