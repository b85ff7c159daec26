"""The demo raw directory (`make data`) passes every reader, whole and consistent."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from data.sources import bpe, filosofi, geo, gtfs, ops, rpls, sne
from data.sources.layout import RawLayout

DEMO_RAW = Path(__file__).resolve().parent.parent / "var" / "raw"
YEARLY_READERS = {"rpls": rpls, "ops": ops, "sne": sne, "filosofi": filosofi, "bpe": bpe}

pytestmark = pytest.mark.skipif(
    not (DEMO_RAW / ".complete").exists(),
    reason="no complete demo raw directory: run `make data` (make test builds it first)",
)


@pytest.fixture(scope="module")
def layout() -> RawLayout:
    return RawLayout.discover(DEMO_RAW)


@pytest.fixture(scope="module")
def demo_manifest() -> dict:
    return json.loads((DEMO_RAW / "demo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(layout: RawLayout) -> duckdb.DuckDBPyConnection:
    """Every source of the demo loaded into one connection, IRIS and QPV codes included."""
    con = duckdb.connect()
    for name, reader in YEARLY_READERS.items():
        reader.load(con, list(getattr(layout, name).values()))
    gtfs.load(con, [layout.gtfs])
    con.register("iris_frame", geo.read_iris(layout.iris).drop(columns="geometry"))
    con.register("qpv_frame", geo.read_qpv(layout.qpv).drop(columns="geometry"))
    con.execute("CREATE TABLE iris AS SELECT * FROM iris_frame")
    con.execute("CREATE TABLE qpv AS SELECT * FROM qpv_frame")
    yield con
    con.close()


def data_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip()) - 1


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchall()[0][0]


def test_layout_finds_every_demo_vintage(layout: RawLayout, demo_manifest: dict) -> None:
    assert layout.is_demo
    for name, years in demo_manifest["vintages"].items():
        assert sorted(getattr(layout, name)) == years, name
    assert layout.gtfs is not None


def test_every_data_line_becomes_a_row(loaded, layout: RawLayout) -> None:
    for name in YEARLY_READERS:
        for year, path in getattr(layout, name).items():
            rows = scalar(loaded, f"SELECT count(*) FROM {name} WHERE year = {year}")
            assert rows == data_lines(path) > 0, path
    assert 0 < scalar(loaded, "SELECT count(*) FROM stops") <= data_lines(layout.gtfs)


def test_codes_refer_to_the_demo_iris_and_qpv(loaded) -> None:
    unknown_iris = [
        f"SELECT count(*) FROM {table} WHERE iris_code NOT IN (SELECT code_iris FROM iris)"
        for table in ("rpls", "filosofi", "bpe")
    ]
    for sql in unknown_iris:
        assert scalar(loaded, sql) == 0, sql
    assert scalar(loaded, "SELECT count(*) FROM rpls WHERE iris_code IS NULL") == 0
    assert scalar(loaded, "SELECT count(*) FROM rpls WHERE qpv_code IS NOT NULL") > 0
    assert (
        scalar(loaded, "SELECT count(*) FROM rpls WHERE qpv_code NOT IN (SELECT code_qp FROM qpv)")
        == 0
    )


def test_households_link_to_a_dwelling_of_the_same_vintage(loaded) -> None:
    """OPS rows whose year has an RPLS vintage all find their dwelling (let, MODE 1)."""
    unlinked = scalar(
        loaded,
        """SELECT count(*) FROM ops o WHERE o.year IN (SELECT year FROM rpls)
           AND NOT EXISTS (SELECT 1 FROM rpls r WHERE r.year = o.year AND r.mode = '1'
               AND r.siren_bailleur = o.siren_bailleur AND r.ident_int = o.ident_int)""",
    )
    assert unlinked == 0
