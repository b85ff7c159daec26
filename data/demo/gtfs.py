"""GTFS stops.txt: the two metro lines and two tram branches, plus bus stops."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.geography import LAMBERT93, WGS84, sample_in_polygon
from data.demo.names import STREET_TYPES, STREETS

# Approximate corridors (name, lat, lon) of the MEL's metro and tram lines.
LINES: dict[str, tuple[tuple[str, float, float], ...]] = {
    "M1": (
        ("CHU-Eurasanté", 50.6106, 3.0372),
        ("Porte des Postes", 50.6180, 3.0470),
        ("République Beaux-Arts", 50.6320, 3.0620),
        ("Gare Lille Flandres", 50.6365, 3.0705),
        ("Fives", 50.6318, 3.0905),
        ("Hellemmes", 50.6262, 3.1060),
        ("Pont de Bois", 50.6118, 3.1360),
        ("Villeneuve-d'Ascq Hôtel de Ville", 50.6160, 3.1460),
        ("4 Cantons", 50.6060, 3.1440),
    ),
    "M2": (
        ("Saint-Philibert", 50.6437, 2.9888),
        ("Bois-Blancs", 50.6350, 3.0280),
        ("Cormontaigne", 50.6290, 3.0410),
        ("Porte des Postes", 50.6180, 3.0470),
        ("Mairie de Lille", 50.6300, 3.0700),
        ("Gare Lille Europe", 50.6392, 3.0755),
        ("Saint-Maurice Pellevoisin", 50.6410, 3.0870),
        ("Mons Sarts", 50.6440, 3.1060),
        ("Fort de Mons", 50.6470, 3.1150),
        ("Croix Centre", 50.6770, 3.1530),
        ("Roubaix Grand-Place", 50.6910, 3.1740),
        ("Alma", 50.6985, 3.1690),
        ("Tourcoing Centre", 50.7240, 3.1610),
        ("Bourgogne", 50.7380, 3.1650),
        ("CH Dron", 50.7440, 3.1520),
    ),
    "R": (
        ("Gare Lille Flandres", 50.6365, 3.0705),
        ("Romarin", 50.6500, 3.0830),
        ("Croisé Laroche", 50.6610, 3.0950),
        ("Villa Cavrois", 50.6740, 3.1250),
        ("Roubaix Eurotéléport", 50.6935, 3.1690),
    ),
    "T": (
        ("Croisé Laroche", 50.6610, 3.0950),
        ("Pont Hydraulique", 50.6800, 3.1120),
        ("Mouvaux Centre", 50.7030, 3.1380),
        ("Tourcoing Centre", 50.7240, 3.1610),
    ),
}
STOP_SPACING = {"M1": 750.0, "M2": 750.0, "R": 600.0, "T": 600.0}
BUS_STOPS_PER_1000 = 1.2
STOP_COLUMNS = ("stop_id", "stop_name", "stop_lat", "stop_lon", "location_type")


def _line_stops(name: str, waypoints: tuple) -> pd.DataFrame:
    points = gpd.GeoSeries(
        gpd.points_from_xy([w[2] for w in waypoints], [w[1] for w in waypoints]), crs=WGS84
    ).to_crs(LAMBERT93)
    line = shapely.LineString(shapely.get_coordinates(points.to_numpy()))
    marks = [line.project(p) for p in points]
    rows = []
    for k in range(len(marks)):
        rows.append((waypoints[k][0], marks[k]))
        if k + 1 < len(marks):
            gap = marks[k + 1] - marks[k]
            extra = int(gap // STOP_SPACING[name])
            rows += [(None, marks[k] + gap * j / (extra + 1)) for j in range(1, extra + 1)]
    xy = shapely.get_coordinates(line.interpolate([m for _, m in rows]))
    return pd.DataFrame({"name": [r[0] for r in rows], "x": xy[:, 0], "y": xy[:, 1], "line": name})


def stops_table(iris: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    lines = pd.concat([_line_stops(n, w) for n, w in LINES.items()], ignore_index=True)
    streets = np.array([f"{STREET_TYPES[t]} {s}" for t, s in STREETS])
    unnamed = lines["name"].isna().to_numpy()
    lines.loc[unnamed, "name"] = streets[rng.integers(0, len(streets), int(unnamed.sum()))]
    lines = lines.drop_duplicates("name", keep="first", ignore_index=True)

    counts = rng.poisson(iris["population"].to_numpy() * BUS_STOPS_PER_1000 / 1000.0)
    bus = []
    for i in np.flatnonzero(counts):
        polygon = iris.geometry.iloc[i]
        centre = tuple(shapely.get_coordinates(polygon.point_on_surface())[0])
        spread = (0.2 if iris["TYP_IRIS"].iloc[i] == "Z" else 0.4) * np.sqrt(polygon.area)
        xy = sample_in_polygon(polygon, int(counts[i]), rng, centre, spread)
        names = streets[rng.integers(0, len(streets), len(xy))]
        bus.append(
            pd.DataFrame(
                {
                    "name": [f"{iris['NOM_COM'].iloc[i]} - {s}" for s in names],
                    "x": xy[:, 0],
                    "y": xy[:, 1],
                    "line": "bus",
                }
            )
        )
    stops = pd.concat([lines, *bus], ignore_index=True)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(stops["x"], stops["y"]), crs=LAMBERT93).to_crs(WGS84)
    prefix = np.where(stops["line"] == "bus", "BUS", stops["line"].astype(str))
    stops_out = pd.DataFrame(
        {
            "stop_id": [f"{pre}{k:05d}" for k, pre in enumerate(prefix, start=1)],
            "stop_name": stops["name"],
            "stop_lat": np.round(lonlat.y.to_numpy(), 6),
            "stop_lon": np.round(lonlat.x.to_numpy(), 6),
            "location_type": 0,
        }
    )
    # Metro and tram stops also get a parent station (location_type 1), as in real feeds.
    stations = stops_out[stops["line"] != "bus"].copy()
    stations["stop_id"] = "ST" + stations["stop_id"]
    stations["location_type"] = 1
    return pd.concat([stops_out, stations], ignore_index=True)[list(STOP_COLUMNS)]
