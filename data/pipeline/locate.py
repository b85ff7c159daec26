"""Spatial assignment of residences to their IRIS and QPV, with checks.

A residence's position is the mean of its dwellings' Lambert-93 coordinates. It keeps the
IRIS declared in RPLS when its position lies inside that IRIS and inside its commune;
otherwise it takes the IRIS of its commune that contains its position ("reassigned");
a position outside its commune, or missing, is moved to a point inside the declared IRIS,
or inside the largest IRIS of its commune when the declared one is unknown ("relocated").
The QPV is the one whose contour contains the final position, so that the map and the QPV
aggregates agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.pipeline.zones import LAMBERT93, WGS84


@dataclass(frozen=True)
class LocationReport:
    residences: int
    kept: int
    reassigned: int
    relocated: int
    without_iris: int

    def summary(self) -> str:
        return (
            f"{self.residences} résidences : {self.kept} dans leur IRIS déclaré, "
            f"{self.reassigned} rattachées à l'IRIS de leur position, "
            f"{self.relocated} repositionnées dans leur commune, "
            f"{self.without_iris} sans IRIS"
        )


def _polygons(zones: gpd.GeoDataFrame, scale: str) -> gpd.GeoDataFrame:
    return zones.loc[zones["scale"] == scale, ["code", "commune_code", "geometry"]].reset_index(
        drop=True
    )


def _containing(points: gpd.GeoSeries, polygons: gpd.GeoDataFrame) -> pd.Series:
    """For each point, the smallest code of the polygons containing it (or None)."""
    frame = gpd.GeoDataFrame(
        {"point": np.arange(len(points))}, geometry=points.values, crs=LAMBERT93
    )
    joined = frame.sjoin(polygons[["code", "geometry"]], predicate="within", how="inner")
    first = joined[["point", "code"]].sort_values(["point", "code"]).drop_duplicates("point")
    codes = np.full(len(points), None, dtype=object)
    codes[first["point"].to_numpy()] = first["code"].to_numpy(dtype=object)
    return pd.Series(codes, dtype=object)


def _contains(polygons: gpd.GeoDataFrame, codes: pd.Series, points: gpd.GeoSeries) -> np.ndarray:
    """Whether each point lies inside the polygon whose code is given (False if unknown)."""
    by_code = polygons.set_index("code").geometry
    shapes = codes.map(by_code).to_numpy()
    known = pd.notna(shapes)
    result = np.zeros(len(points), dtype=bool)
    result[known] = shapely.within(points.values[known], np.asarray(shapes[known]))
    return result


def locate(
    residences: pd.DataFrame, zones: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, LocationReport]:
    """residence_id, iris_code, qpv_code, lon, lat (WGS84) and x_l93, y_l93 (Lambert-93,
    metres) for `residences` (x, y, commune_code, iris_declared); `zones` in Lambert-93."""
    iris = _polygons(zones, "iris")
    communes = _polygons(zones, "commune")
    qpv = _polygons(zones, "qpv")
    iris_commune = iris.set_index("code")["commune_code"]
    commune_shape = communes.set_index("code").geometry

    declared = residences["iris_declared"].where(
        residences["iris_declared"].map(iris_commune) == residences["commune_code"]
    )
    has_position = residences["x"].notna() & residences["y"].notna()
    points = gpd.GeoSeries(
        shapely.points(residences["x"].fillna(0).to_numpy(), residences["y"].fillna(0).to_numpy()),
        crs=LAMBERT93,
    )
    in_commune = has_position.to_numpy() & _contains(communes, residences["commune_code"], points)
    in_declared = in_commune & _contains(iris, declared, points)
    spatial = _containing(points, iris)
    spatial_ok = in_commune & (
        spatial.map(iris_commune).to_numpy() == residences["commune_code"].to_numpy()
    )
    reassigned = ~in_declared & spatial_ok
    relocated = ~in_declared & ~reassigned

    iris_shape = iris.set_index("code").geometry
    largest_iris = (
        iris.assign(area=iris.geometry.area)
        .sort_values(["area", "code"], ascending=[False, True])
        .drop_duplicates("commune_code")
        .set_index("commune_code")["code"]
    )
    targets, target_iris = [], []
    for code, commune in zip(
        declared[relocated], residences["commune_code"][relocated], strict=True
    ):
        target = code if pd.notna(code) else largest_iris.get(commune)
        shape = commune_shape.get(commune)
        if target is not None and shape is not None:
            shape = shapely.intersection(iris_shape[target], shape)
        if shape is None or shape.is_empty:
            shape, target = commune_shape.get(commune, shapely.Point(0, 0)), None
        targets.append(shapely.point_on_surface(shape))
        target_iris.append(target)
    final = points.copy()
    final[relocated] = targets
    iris_code = pd.Series(declared.to_numpy(), dtype=object)
    iris_code[reassigned] = spatial[reassigned]
    iris_code[relocated] = target_iris
    wgs84 = final.to_crs(WGS84)
    located = pd.DataFrame(
        {
            "residence_id": residences["residence_id"].to_numpy(),
            "iris_code": iris_code.to_numpy(),
            "qpv_code": _containing(final, qpv).to_numpy(),
            "lon": wgs84.x.to_numpy(),
            "lat": wgs84.y.to_numpy(),
            "x_l93": final.x.round().to_numpy(),
            "y_l93": final.y.round().to_numpy(),
        }
    )
    report = LocationReport(
        residences=len(residences),
        kept=int(in_declared.sum()),
        reassigned=int(reassigned.sum()),
        relocated=int(relocated.sum()),
        without_iris=int(located["iris_code"].isna().sum()),
    )
    return located, report
