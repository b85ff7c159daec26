"""IRIS and QPV contour readers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Polygon, box

from data.sources.geo import read_iris, read_qpv
from tests.support.sources import raises_at

# Two IRIS of Roubaix side by side and a commune not split into IRIS (Lambert-93 metres).
IRIS = {
    "CODE_IRIS": ["595120101", "595120102", "593500000"],
    "INSEE_COM": ["59512", "59512", "59350"],
    "NOM_COM": ["Roubaix", "Roubaix", "Lille"],
    "IRIS": ["0101", "0102", "0000"],
    "NOM_IRIS": ["Épeule 1", "Épeule 2", "Lille"],
    "TYP_IRIS": ["H", "H", "Z"],
}
IRIS_SHAPES = [
    box(709000, 7064000, 710000, 7065000),
    box(710000, 7064000, 711000, 7065000),
    box(700000, 7050000, 706000, 7060000),
]


def write_iris(path: Path, layer: str = "iris", **changes: list) -> Path:
    frame = gpd.GeoDataFrame({**IRIS, **changes}, geometry=IRIS_SHAPES, crs=2154)
    frame.to_file(path, layer=layer, driver="GPKG")
    return path


def write_qpv(path: Path, **changes: list) -> Path:
    properties = {
        "code_qp": ["QN05912M"],
        "lib_qp": ["L'Épeule"],
        "insee_com": ["59512"],
        "lib_com": ["Roubaix"],
    }
    frame = gpd.GeoDataFrame(
        {**properties, **changes}, geometry=[box(709000, 7064000, 711000, 7065000)], crs=2154
    ).to_crs(4326)
    frame.to_file(path, driver="GeoJSON")
    return path


def test_iris_are_read_in_lambert93_with_lower_case_columns(tmp_path: Path) -> None:
    frame = read_iris(write_iris(tmp_path / "iris.gpkg"))
    assert list(frame.columns) == [
        "code_iris", "insee_com", "nom_com", "nom_iris", "typ_iris", "geometry",
    ]  # fmt: skip
    assert frame.crs.to_epsg() == 2154
    assert frame["code_iris"].tolist() == IRIS["CODE_IRIS"]
    assert frame["nom_iris"].tolist()[0] == "Épeule 1"
    assert frame.geometry.iloc[0].area == pytest.approx(1_000_000)


def test_iris_in_another_crs_are_projected(tmp_path: Path) -> None:
    path = tmp_path / "iris.gpkg"
    gpd.GeoDataFrame(IRIS, geometry=IRIS_SHAPES, crs=2154).to_crs(4326).to_file(path, layer="iris")
    frame = read_iris(path)
    assert frame.geometry.iloc[0].area == pytest.approx(1_000_000, rel=1e-3)


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"CODE_IRIS": ["595120101", "59512102", "593500000"]}, "code_iris", "entité n° 2"),
        (
            {"CODE_IRIS": ["595120101", "595130102", "593500000"]},
            "code_iris",
            "pas dans la commune",
        ),
        ({"CODE_IRIS": ["595120101", "595120101", "593500000"]}, "code_iris", "en double"),
        ({"TYP_IRIS": ["H", "X", "Z"]}, "typ_iris", "code inconnu « X »"),
        ({"NOM_IRIS": ["Épeule 1", None, "Lille"]}, "nom_iris", "valeur manquante"),
    ],
)
def test_bad_iris_attribute_names_the_feature_and_column(
    tmp_path: Path, changes: dict, column: str, words: str
) -> None:
    path = write_iris(tmp_path / "iris.gpkg", **changes)
    error = raises_at(lambda: read_iris(path), None, column)
    assert words in error.message


def test_iris_missing_attribute_is_named(tmp_path: Path) -> None:
    path = tmp_path / "iris.gpkg"
    frame = gpd.GeoDataFrame(IRIS, geometry=IRIS_SHAPES, crs=2154).drop(columns="TYP_IRIS")
    frame.to_file(path, layer="iris")
    raises_at(lambda: read_iris(path), None, "typ_iris")


def test_iris_layer_is_found_among_several(tmp_path: Path) -> None:
    path = write_iris(tmp_path / "iris.gpkg")
    gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)], crs=2154).to_file(path, layer="other")
    assert len(read_iris(path)) == 3
    other = write_iris(tmp_path / "two.gpkg", layer="contours")
    gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)], crs=2154).to_file(other, layer="b")
    raises_at(lambda: read_iris(other), None, None)


def test_non_polygon_geometry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "iris.gpkg"
    shapes = [*IRIS_SHAPES[:2], LineString([(0, 0), (1, 1)])]
    gpd.GeoDataFrame(IRIS, geometry=shapes, crs=2154).to_file(path, layer="iris")
    error = raises_at(lambda: read_iris(path), None, None)
    assert "entité n° 3" in error.message


def test_self_intersecting_polygon_is_repaired(tmp_path: Path) -> None:
    bow_tie = Polygon([(709000, 7064000), (710000, 7065000), (710000, 7064000), (709000, 7065000)])
    path = tmp_path / "iris.gpkg"
    gpd.GeoDataFrame(IRIS, geometry=[bow_tie, *IRIS_SHAPES[1:]], crs=2154).to_file(path)
    frame = read_iris(path)
    assert frame.geometry.is_valid.all()
    assert frame.geometry.iloc[0].area == pytest.approx(500_000)


def test_qpv_are_read_in_lambert93(tmp_path: Path) -> None:
    frame = read_qpv(write_qpv(tmp_path / "qpv.geojson"))
    assert list(frame.columns) == ["code_qp", "lib_qp", "insee_com", "geometry"]
    assert frame.crs.to_epsg() == 2154
    assert frame.iloc[0][["code_qp", "lib_qp", "insee_com"]].tolist() == [
        "QN05912M", "L'Épeule", "59512",
    ]  # fmt: skip
    assert frame.geometry.iloc[0].area == pytest.approx(2_000_000, rel=1e-3)


def test_bad_qpv_code_is_reported(tmp_path: Path) -> None:
    path = write_qpv(tmp_path / "qpv.geojson", code_qp=["59512-1"])
    error = raises_at(lambda: read_qpv(path), None, "code_qp")
    assert "59512-1" in error.message


def test_unreadable_geo_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "qpv.geojson"
    path.write_text("{not json")
    raises_at(lambda: read_qpv(path), None, None)
    error = raises_at(lambda: read_iris(tmp_path / "absent.gpkg"), None, None)
    assert error.message == "fichier introuvable"
