"""The pipeline over a territory of several EPCIs (a département, a region): one EPCI zone
per EPCI, each zone diagnosed against its own EPCI, each EPCI's own first-quartile thresholds."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from data.diagnostic import FLAGS_ID, METHOD
from data.pipeline.attributions import read_thresholds
from data.pipeline.fragility import ROW_COLUMNS, diagnose
from data.pipeline.zones import assemble_zones

L93 = "EPSG:2154"
YEAR = 2024
FIRST, SECOND = "200093201", "245900428"


def box(x0: float, x1: float) -> shapely.Polygon:
    return shapely.box(x0, 0, x1, 1000)


def test_one_epci_zone_per_epci_of_the_territory() -> None:
    communes = gpd.GeoDataFrame(
        {
            "code": ["59001", "59002", "59003", "59004"],
            "name": ["A", "B", "C", "Île"],
            "population": [1000, 2000, 4000, 50],
            "epci_code": [FIRST, FIRST, SECOND, ""],
            "epci_name": ["Première", "Première", "Seconde", ""],
        },
        geometry=[box(0, 1000), box(1000, 2000), box(2000, 3000), box(5000, 6000)],
        crs=L93,
    )
    empty = gpd.GeoDataFrame(
        {"code_iris": [], "insee_com": [], "nom_iris": [], "code_qp": [], "lib_qp": []},
        geometry=[],
        crs=L93,
    )
    zones = assemble_zones(communes, empty, empty)
    epcis = zones[zones["scale"] == "epci"].set_index("code")
    assert list(epcis.index) == [FIRST, SECOND]
    assert list(epcis["name"]) == ["Première", "Seconde"]
    assert list(epcis["population"]) == [3000, 4000]
    assert epcis.geometry[FIRST].area == pytest.approx(2_000_000)
    assert (zones["scale"] == "commune").sum() == 4


def test_each_zone_is_diagnosed_against_its_own_epci() -> None:
    rows = []
    for epci, value in ((FIRST, 40.0), (SECOND, 20.0)):
        rows.append(("epci", epci, YEAR, "occupation.income_below_40", "occupation", value))
    for residence in ("R1", "R2"):  # 30 % of households under 40 % of the median income
        rows.append(
            ("residence", residence, YEAR, "occupation.income_below_40", "occupation", 30.0)
        )
    criteria = pd.DataFrame([(*row, "ok", None, None) for row in rows], columns=ROW_COLUMNS)
    frame = diagnose(criteria, METHOD, {("residence", "R1"): FIRST, ("residence", "R2"): SECOND})
    flags = frame[frame["indicator_id"] == FLAGS_ID].set_index("code")["value"]
    assert (flags["R1"], flags["R2"]) == (0.0, 1.0)  # 30 < 1.2 x 40, 30 >= 1.2 x 20


def test_each_epci_keeps_its_own_thresholds(tmp_path) -> None:
    table = tmp_path / "thresholds.csv"
    table.write_text(
        "epci;year;q1;median;q3;source\n"
        f"{FIRST};2024;9324;13634;18680;arrêté\n"
        f"{SECOND};2024;8100;12500;17000;arrêté\n"
        "200041614;2024;9900;14000;19000;arrêté\n"
    )
    both = read_thresholds([SECOND, FIRST], table)
    assert list(both.columns) == ["epci", "year", "q1", "median", "q3", "source"]
    assert both.set_index("epci")["q1"].to_dict() == {FIRST: 9324, SECOND: 8100}
    assert read_thresholds(["246700488"], table).empty


def test_the_committed_thresholds_are_the_mels() -> None:
    assert read_thresholds([SECOND]).empty
    assert set(read_thresholds([SECOND, FIRST])["epci"]) == {FIRST}
