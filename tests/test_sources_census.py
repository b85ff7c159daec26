"""Census reader: INSEE's base-cc-logement commune file, main residences only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import census
from data.sources.layout import RawLayout
from tests.support.sources import assert_schema, raises_at, write_csv

HEADER = ["CODGEO", "P21_LOG", "P21_RP", "P21_RSECOCC", "P21_LOGVAC", "P21_RP_LOCHLMV"]
ROUBAIX = ['"59512"', "47321.4286", "43015.50812", "312.1", "3993.8", "16020.34"]
LILLE = ["59350", "140305.2", "124987,25", "2500", "12817.95", "27012"]
FILE = "base-cc-logement-2021.CSV"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_main_residences_are_read_with_their_decimals(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / FILE, HEADER, [ROUBAIX, LILLE], encoding="cp1252")
    assert census.load(con, [path]) == 2
    assert_schema(con, "census", "census")
    assert con.execute("SELECT * FROM census ORDER BY depcom").fetchall() == [
        (2021, "59350", 124987.25),
        (2021, "59512", 43015.50812),
    ]


def test_the_column_of_another_census_year_is_missing(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "base-cc-logement-2020.CSV", HEADER, [ROUBAIX])
    error = raises_at(lambda: census.load(con, [path]), 1, "P20_RP")
    assert "manquante" in error.message


@pytest.mark.parametrize(
    ("index", "value", "column"),
    [(2, "beaucoup", "P21_RP"), (2, "", "P21_RP"), (0, "5951", "CODGEO"), (2, "-3", "P21_RP")],
)
def test_a_bad_value_is_refused_at_its_line_and_column(
    con, tmp_path: Path, index: int, value: str, column: str
) -> None:
    bad = list(LILLE)
    bad[index] = value
    path = write_csv(tmp_path / FILE, HEADER, [ROUBAIX, bad])
    raises_at(lambda: census.load(con, [path]), 3, column)


def test_the_raw_layout_finds_census_files_by_year(tmp_path: Path) -> None:
    write_csv(tmp_path / "recensement" / FILE, HEADER, [ROUBAIX])
    write_csv(tmp_path / "recensement" / "meta_base-cc-logement-2021.CSV", ["COD_VAR"], [])
    for name in ("geo/iris.gpkg", "geo/qpv.geojson", "rpls/RPLS_2024.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    layout = RawLayout.discover(tmp_path)
    assert layout.census == {2021: tmp_path / "recensement" / FILE}
