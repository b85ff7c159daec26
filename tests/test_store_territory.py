"""The store over a territory of several EPCIs: the EPCI a zone is compared with, the
warehouse's own EPCI, the box of the whole territory."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from data.store.store import Store
from data.store.types import ZoneRef

MEL, DUNKERQUE = "200093201", "245900428"
ZONES = [
    ("epci", DUNKERQUE, "CU de Dunkerque", None),
    ("epci", MEL, "Métropole Européenne de Lille", None),
    ("commune", "59183", "Dunkerque", "59183"),
    ("commune", "59512", "Roubaix", "59512"),
    ("iris", "591830101", "Dunkerque Centre", "59183"),
]
EPCI_OF = {"59183": DUNKERQUE, "59512": MEL}
# The tiny warehouse needs one residence and one value.
RESIDENCES = [("R1", "Les Dunes", "59183", "591830101", None, "900000002", False, 20)]
INDICATORS = [("commune", "59183", 2024, "parc.dwellings", "parc", 20.0, "ok", None)]
BOX = {DUNKERQUE: (50.95, 2.2, 51.1, 2.6), MEL: (50.5, 2.8, 50.8, 3.3)}


@pytest.fixture(scope="module")
def warehouse(tiny_warehouse) -> Path:
    """A tiny warehouse of two EPCIs, its zones with their EPCI and bounds as the pipeline
    writes them, the manifest naming the MEL (the most populous)."""
    directory = tiny_warehouse(ZONES, RESIDENCES, INDICATORS)
    (directory / "manifest.json").write_text(json.dumps({"demo": True, "epci": {"code": MEL}}))
    path = directory / "zones.parquet"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE zones AS SELECT * FROM read_parquet('{path}')")
    con.execute(
        "ALTER TABLE zones ADD COLUMN epci_code VARCHAR; "
        "ALTER TABLE zones ADD COLUMN min_lat DOUBLE; ALTER TABLE zones ADD COLUMN min_lon DOUBLE;"
        "ALTER TABLE zones ADD COLUMN max_lat DOUBLE; ALTER TABLE zones ADD COLUMN max_lon DOUBLE"
    )
    con.executemany("UPDATE zones SET epci_code = ? WHERE commune_code = ?", [
        (epci, commune) for commune, epci in EPCI_OF.items()
    ])  # fmt: skip
    con.executemany(
        "UPDATE zones SET epci_code = code, min_lat = ?, min_lon = ?, max_lat = ?, max_lon = ? "
        "WHERE scale = 'epci' AND code = ?",
        [(*box, code) for code, box in BOX.items()],
    )
    con.execute(f"COPY zones TO '{path}' (FORMAT parquet)")
    return directory


@pytest.fixture(scope="module")
def store(warehouse: Path) -> Store:
    return Store(warehouse)


def test_the_warehouse_epci_is_the_one_the_manifest_names(store: Store) -> None:
    assert store.epci == ZoneRef("epci", MEL, "Métropole Européenne de Lille", None)


def test_each_zone_is_set_beside_its_own_epci(store: Store) -> None:
    dunkerque = store.zone_ref("commune", "59183")
    iris = store.zone_ref("iris", "591830101")
    assert store.epci_of(dunkerque).code == DUNKERQUE
    assert store.epci_of(iris).code == DUNKERQUE
    assert store.epci_of(store.zone_ref("commune", "59512")).code == MEL
    assert [level.code for level in store._zone_levels(iris)] == ["591830101", "59183", DUNKERQUE]


def test_the_territory_box_holds_every_epci(store: Store) -> None:
    assert store.territory_box == (50.5, 2.2, 51.1, 3.3)


def test_a_warehouse_of_one_epci_without_epci_codes_keeps_its_epci(tiny_warehouse) -> None:
    store = Store(tiny_warehouse([ZONES[1], ZONES[3]], RESIDENCES, INDICATORS))
    assert store.epci_of(store.zone_ref("commune", "59512")).code == MEL
