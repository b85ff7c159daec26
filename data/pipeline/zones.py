"""Zones of every scale: the EPCI, its communes, their IRIS and the QPV, and the
départements and regions when the territory spans several.

Geometry work happens in Lambert-93 (metres); the warehouse stores WGS84 geometries, a
simplified copy for the web as GeoJSON text (coordinates rounded to 5 decimals, about a
metre), coarser copies for the lower zooms (`data/outlines.py`) and a point guaranteed
inside each zone.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from data.outlines import OUTLINE_LEVELS
from data.sources.errors import SourceError

LAMBERT93 = 2154
WGS84 = 4326
WEB_TOLERANCE_METRES = {
    "epci": 40.0, "commune": 15.0, "iris": 6.0, "qpv": 6.0, "dep": 100.0, "reg": 250.0,
}  # fmt: skip
# The zones above the EPCI: the column of the commune extract that names each commune's.
UPPER_LEVELS = {"dep": "dep_code", "reg": "reg_code"}
WEB_PRECISION_DEGREES = 1e-5
ZONE_COLUMNS = [
    "scale", "code", "name", "commune_code", "population", "epci_code", "geometry",
]  # fmt: skip


def read_reference_communes(path: Path) -> gpd.GeoDataFrame:
    """The territory's commune extract (code, name, population, epci_code, epci_name, …)."""
    if not path.is_file():
        raise SourceError(path, None, None, "référentiel des communes du territoire introuvable")
    communes = gpd.read_file(path)
    if communes.crs is None:
        communes = communes.set_crs(WGS84)
    return communes.to_crs(LAMBERT93)


def _zone_rows(
    scale: str,
    frame: pd.DataFrame,
    code: str,
    name: str,
    commune: str,
    population: str | None = None,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scale": scale,
            "code": frame[code],
            "name": frame[name],
            "commune_code": frame[commune],
            "population": frame[population] if population else None,
            "geometry": frame.geometry.values,
        }
    )


def upper_zones(communes: gpd.GeoDataFrame) -> list[pd.DataFrame]:
    """The départements and regions of the communes, each the union of its communes, for
    each level the communes span more than one zone of (none for one EPCI or département,
    nor for a commune extract that does not name them)."""
    frames = []
    for scale, column in UPPER_LEVELS.items():
        if column not in communes.columns or communes[column].nunique() < 2:
            continue
        frames.append(
            pd.DataFrame(
                [
                    {
                        "scale": scale,
                        "code": code,
                        "name": members[column.replace("_code", "_name")].iloc[0],
                        "commune_code": None,
                        "population": int(members["population"].sum()),
                        "geometry": shapely.union_all(members.geometry.values, grid_size=0.01),
                    }
                    for code, members in communes.groupby(column, sort=True)
                ]
            )
        )
    return frames


def commune_upper_zones(communes: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """(commune_code, scale, code): the zone above the EPCI each commune lies in, for the
    scales `zones` holds (`upper_zones`)."""
    frames = [
        pd.DataFrame({"commune_code": communes["code"], "scale": scale, "code": communes[column]})
        for scale, column in UPPER_LEVELS.items()
        if (zones["scale"] == scale).any()
    ]
    columns = ["commune_code", "scale", "code"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def assemble_zones(
    communes: gpd.GeoDataFrame, iris: gpd.GeoDataFrame, qpv: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """One GeoDataFrame of every zone (Lambert-93): one EPCI per EPCI of the communes (a
    commune outside any EPCI has none), the communes, their IRIS and QPV (others dropped)."""
    codes = set(communes["code"])
    in_epci = communes[communes["epci_code"] != ""]
    epci = pd.DataFrame(
        [
            {
                "scale": "epci",
                "code": code,
                "name": members["epci_name"].iloc[0],
                "commune_code": None,
                "population": int(members["population"].sum()),
                "geometry": shapely.union_all(members.geometry.values, grid_size=0.01),
            }
            for code, members in in_epci.groupby("epci_code", sort=True)
        ]
    )
    frame = pd.concat(
        [
            epci,
            *upper_zones(communes),
            _zone_rows("commune", communes, "code", "name", "code", "population"),
            _zone_rows(
                "iris", iris[iris["insee_com"].isin(codes)], "code_iris", "nom_iris", "insee_com"
            ),
            _zone_rows("qpv", qpv[qpv["insee_com"].isin(codes)], "code_qp", "lib_qp", "insee_com"),
        ],
        ignore_index=True,
    )
    frame["population"] = frame["population"].astype("Int64")
    # The EPCI each zone lies in: itself for an EPCI, its commune's for the others (none
    # for a zone above the EPCI).
    epci_of = communes.set_index("code")["epci_code"]
    frame["epci_code"] = frame["commune_code"].map(epci_of).fillna(frame["code"])
    frame.loc[frame["scale"].isin(UPPER_LEVELS), "epci_code"] = None
    return gpd.GeoDataFrame(frame[ZONE_COLUMNS], geometry="geometry", crs=LAMBERT93)


def web_geometry(geometry: shapely.Geometry, tolerance: float) -> shapely.Geometry:
    """A lighter copy of a Lambert-93 geometry, still valid and never empty."""
    simplified = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return simplified if not simplified.is_empty else geometry


# Scales whose zones tile the territory: simplified together, neighbours keep one edge.
COVERAGE_SCALES = ("epci", "commune", "iris", "dep", "reg")


def coarse_outlines(zones: gpd.GeoDataFrame, tolerance: float) -> list[shapely.Geometry]:
    """Each zone's outline simplified to `tolerance` metres (Lambert-93): a coverage for
    the scales that tile the territory, each zone alone for the QPV; a zone the
    simplification would empty keeps its outline."""
    out = list(zones.geometry.values)
    for scale, rows in zones.groupby("scale", sort=False).indices.items():
        shapes = zones.geometry.values[rows]
        if scale in COVERAGE_SCALES:
            simplified = shapely.coverage_simplify(shapes, tolerance)
        else:
            simplified = shapely.simplify(shapes, tolerance, preserve_topology=True)
        for row, shape, original in zip(rows, simplified, shapes, strict=True):
            out[row] = original if shape is None or shape.is_empty else shape
    return out


def geojson_texts(
    shapes: list[shapely.Geometry], precision_degrees: float, finer: list[str] | None = None
) -> list[str]:
    """Lambert-93 outlines as WGS84 GeoJSON text, rounded to `precision_degrees`; a zone
    the rounding empties (smaller than the precision) keeps its text of `finer`."""
    wgs84 = gpd.GeoSeries(shapes, crs=LAMBERT93).to_crs(WGS84)
    rounded = shapely.set_precision(wgs84.values, precision_degrees)
    return [
        finer[row] if finer is not None and shape.is_empty else shapely.to_geojson(shape)
        for row, shape in enumerate(rounded)
    ]


def warehouse_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The zones as the warehouse stores them (WGS84, web GeoJSON at each level of
    detail, inner point, bbox)."""
    inner = gpd.GeoSeries(zones.geometry.representative_point(), crs=LAMBERT93).to_crs(WGS84)
    tolerance = zones["scale"].map(WEB_TOLERANCE_METRES).to_numpy()
    light = [web_geometry(g, t) for g, t in zip(zones.geometry.values, tolerance, strict=True)]
    wgs84 = zones.to_crs(WGS84)
    bounds = wgs84.geometry.bounds
    out = wgs84.drop(columns="geometry").reset_index(drop=True)
    out["geometry_geojson"] = geojson_texts(light, WEB_PRECISION_DEGREES)
    for level in OUTLINE_LEVELS:
        coarse = coarse_outlines(zones.reset_index(drop=True), level.tolerance_metres)
        out[level.column] = geojson_texts(
            coarse, level.precision_degrees, out["geometry_geojson"].tolist()
        )
    out["lon"] = inner.x.to_numpy()
    out["lat"] = inner.y.to_numpy()
    out["min_lon"] = bounds["minx"].to_numpy()
    out["min_lat"] = bounds["miny"].to_numpy()
    out["max_lon"] = bounds["maxx"].to_numpy()
    out["max_lat"] = bounds["maxy"].to_numpy()
    return gpd.GeoDataFrame(out, geometry=wgs84.geometry.values, crs=WGS84)
