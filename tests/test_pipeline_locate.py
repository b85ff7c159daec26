"""Spatial assignment of residences: keep, reassign or relocate, never outside its zones."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from data.pipeline.locate import locate
from data.pipeline.zones import assemble_zones
from tests.support.world import communes_frame, iris_frame, qpv_frame

ZONES = assemble_zones(communes_frame(), iris_frame(), qpv_frame())


def residence(rid: str, commune: str, declared: str | None, x: float | None, y: float | None):
    return {"residence_id": rid, "commune_code": commune, "iris_declared": declared, "x": x, "y": y}


def run(rows: list[dict]) -> tuple[pd.DataFrame, object]:
    located, report = locate(pd.DataFrame(rows), ZONES)
    return located.set_index("residence_id"), report


def lambert(row: pd.Series) -> shapely.Point:
    point = gpd.GeoSeries([shapely.Point(row["lon"], row["lat"])], crs=4326).to_crs(2154)
    return point.iloc[0]


def test_declared_iris_kept_when_the_position_agrees():
    located, report = run([residence("a", "59001", "590010002", 1500, 500)])
    assert located.loc["a", "iris_code"] == "590010002"
    assert pd.isna(located.loc["a", "qpv_code"])
    assert (report.kept, report.reassigned, report.relocated) == (1, 0, 0)


def test_wrong_iris_of_the_same_commune_is_reassigned_to_the_position():
    # declared A2 but lies at x=500, in A1 (and in the QPV covering A1)
    located, report = run([residence("a", "59001", "590010002", 500, 500)])
    assert located.loc["a", "iris_code"] == "590010001"
    assert located.loc["a", "qpv_code"] == "QN059001M"
    assert report.reassigned == 1
    assert lambert(located.loc["a"]).distance(shapely.Point(500, 500)) < 0.01


def test_position_outside_the_commune_or_missing_is_moved_inside_the_declared_iris():
    located, report = run(
        [
            residence("far", "59001", "590010002", 2500, 500),  # in commune B
            residence("none", "59002", "590020000", None, None),
            residence("unknown", "59001", "599999999", 9000, 9000),
        ]
    )
    assert report.relocated == 3
    assert located.loc["far", "iris_code"] == "590010002"
    assert shapely.box(1000, 0, 2000, 1000).contains(lambert(located.loc["far"]))
    assert located.loc["none", "iris_code"] == "590020000"
    assert shapely.box(2000, 0, 3000, 1000).contains(lambert(located.loc["none"]))
    assert located.loc["unknown", "iris_code"] in {"590010001", "590010002"}
    assert shapely.box(0, 0, 2000, 1000).contains(lambert(located.loc["unknown"]))
    assert report.without_iris == 0
