"""Zones above the EPCI: a département per département of a territory spanning several,
its parts (whole EPCIs, else communes), and its values published only as sums of
published parts."""

from __future__ import annotations

import duckdb
import geopandas as gpd
import pytest
import shapely

from data.catalog import default_map_scale, map_zone_scales
from data.pipeline.proof import DisclosureError
from data.pipeline.upper_zones import hide_unpublished_sums, prove, register_parts, zone_parts
from data.pipeline.zones import assemble_zones, commune_upper_zones

L93 = "EPSG:2154"
WHOLE, ACROSS = "200000001", "200000002"


def communes(deps: list[str]) -> gpd.GeoDataFrame:
    """Four communes: two of an EPCI inside the first département, two of an EPCI across
    both départements named (or within one when both are the same)."""
    return gpd.GeoDataFrame(
        {
            "code": ["A1", "A2", "B1", "B2"],
            "name": ["a1", "a2", "b1", "b2"],
            "population": [100, 200, 300, 400],
            "epci_code": [WHOLE, WHOLE, ACROSS, ACROSS],
            "epci_name": ["Entière", "Entière", "À cheval", "À cheval"],
            "dep_code": [deps[0], deps[0], deps[0], deps[1]],
            "dep_name": [f"Dép {deps[0]}"] * 3 + [f"Dép {deps[1]}"],
            "reg_code": ["32"] * 4,
            "reg_name": ["Hauts-de-France"] * 4,
        },
        geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(4)],
        crs=L93,
    )


def empty() -> gpd.GeoDataFrame:
    columns = {"code_iris": [], "insee_com": [], "nom_iris": [], "code_qp": [], "lib_qp": []}
    return gpd.GeoDataFrame(columns, geometry=[], crs=L93)


def test_a_departement_zone_only_when_the_territory_spans_several() -> None:
    two = assemble_zones(communes(["59", "62"]), empty(), empty())
    deps = two[two["scale"] == "dep"].set_index("code")
    assert list(deps.index) == ["59", "62"]
    assert list(deps["population"]) == [600, 400]
    assert deps.geometry["59"].area == pytest.approx(3_000_000)
    assert deps["epci_code"].isna().all()
    assert not (two["scale"] == "reg").any()  # one region: the whole map, not a scale
    one = assemble_zones(communes(["59", "59"]), empty(), empty())
    assert set(one["scale"]) == {"epci", "commune"}


def test_the_map_adds_a_scale_above_the_commune_only_for_several_zones() -> None:
    assert map_zone_scales({"epci": 1, "commune": 95}) == ("commune", "iris", "qpv")
    assert map_zone_scales({"dep": 2, "epci": 3, "reg": 1}) == (
        "dep", "epci", "commune", "iris", "qpv",
    )  # fmt: skip


def test_the_map_opens_on_the_finest_readable_scale() -> None:
    assert default_map_scale({"epci": 1, "commune": 95, "iris": 500}) == "commune"  # the MEL
    assert default_map_scale({"dep": 1, "epci": 17, "commune": 647}) == "epci"
    assert default_map_scale({"reg": 13, "dep": 101, "epci": 1250, "commune": 34_800}) == "dep"


def test_a_zone_s_parts_are_its_whole_epcis_then_the_communes_of_the_others() -> None:
    frame = communes(["59", "62"])
    parts = zone_parts(frame, {"dep"})
    assert sorted(map(tuple, parts.to_numpy().tolist())) == [
        ("dep", "59", "commune", "B1"),
        ("dep", "59", "epci", WHOLE),
        ("dep", "62", "commune", "B2"),
    ]
    upper = commune_upper_zones(frame, assemble_zones(frame, empty(), empty()))
    assert dict(zip(upper["commune_code"], upper["code"], strict=True)) == {
        "A1": "59", "A2": "59", "B1": "59", "B2": "62",
    }  # fmt: skip


def warehouse_rows(part_status: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE indicator_row (scale VARCHAR, code VARCHAR, year INTEGER, "
        "indicator_id VARCHAR, theme VARCHAR, value DOUBLE, status VARCHAR, "
        "residence_id VARCHAR, hidden_from VARCHAR[])"
    )
    rows = [
        ("dep", "59", 900.0, "ok"),
        ("dep", "62", 40.0, "ok"),
        ("epci", WHOLE, 300.0, "ok"),
        ("commune", "B1", None if part_status == "secret" else 600.0, part_status),
        ("commune", "B2", 40.0, "ok"),
    ]
    for scale, code, value, status in rows:
        con.execute(
            "INSERT INTO indicator_row VALUES (?, ?, 2024, 'parc.dwellings', 'parc', ?, ?, "
            "NULL, NULL)",
            [scale, code, value, status],
        )
    register_parts(con, zone_parts(communes(["59", "62"]), {"dep"}))
    return con


def published(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    rows = con.execute("SELECT code, value FROM indicator_row WHERE scale = 'dep'").fetchall()
    return dict(rows)


def test_a_departement_value_with_a_hidden_part_is_hidden() -> None:
    con = warehouse_rows("secret")
    with pytest.raises(DisclosureError, match=r"dep:59 2024 parc\.dwellings"):
        prove(con)
    assert hide_unpublished_sums(con) == 1
    assert published(con) == {"59": None, "62": 40.0}
    prove(con)


def test_a_departement_value_of_published_parts_is_published() -> None:
    con = warehouse_rows("ok")
    assert hide_unpublished_sums(con) == 0
    assert published(con) == {"59": 900.0, "62": 40.0}
