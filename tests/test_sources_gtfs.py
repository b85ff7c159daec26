"""GTFS stops reader: stops only, comma-separated with quotes, and each malformed case."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import gtfs
from tests.support.sources import assert_schema, raises_at, write_csv

HEADER = ["stop_id", "stop_code", "stop_name", "stop_lat", "stop_lon", "location_type"]
STATION = ["S1", "", '"Gare Lille Flandres"', "50.6365", "3.0705", "1"]
PLATFORM = ["P1", "GLF", '"Gare Lille Flandres, quai 1"', "50.63651", "3.07052", "0"]
BUS = ["B7", "", "Jean Lebas", "50.6901", "3.1802", ""]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_stops_are_kept_and_stations_dropped(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "stops.txt", HEADER, [STATION, PLATFORM, BUS], delimiter=",")
    assert gtfs.load(con, [path]) == 2
    assert_schema(con, "stops", "stops")
    assert con.execute("SELECT * FROM stops ORDER BY stop_id").fetchall() == [
        ("B7", "Jean Lebas", 3.1802, 50.6901),
        ("P1", "Gare Lille Flandres, quai 1", 3.07052, 50.63651),
    ]


def test_location_type_is_optional(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "stops.txt", HEADER[:5], [BUS[:5]], delimiter=",")
    assert gtfs.load(con, [path]) == 1


@pytest.mark.parametrize(
    ("index", "value", "column", "words"),
    [
        (3, "50,69", "stop_lat", "point décimal"),
        (4, "703000", "stop_lon", "hors limites"),
        (5, "7", "location_type", "code inconnu"),
        (0, "", "stop_id", "valeur manquante"),
    ],
)
def test_bad_value_is_reported_at_its_line_and_column(
    con, tmp_path: Path, index: int, value: str, column: str, words: str
) -> None:
    bad = list(BUS)
    bad[index] = f'"{value}"' if "," in value else value
    path = write_csv(tmp_path / "stops.txt", HEADER, [STATION, PLATFORM, bad], delimiter=",")
    error = raises_at(lambda: gtfs.load(con, [path]), 4, column)
    assert words in error.message


def test_truncated_line_is_reported(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "stops.txt", HEADER, [PLATFORM, BUS[:3]], delimiter=",")
    raises_at(lambda: gtfs.load(con, [path]), 3, "stop_lat")
