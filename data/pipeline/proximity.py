"""Proximity to equipment: what each residence has nearby, and the zones' shares.

Inputs: the BPE points (table `bpe`, Lambert-93) of the latest vintage, mapped to the
families of `data.sources.codes` with that vintage's code list, and the GTFS stops
(table `stops`, WGS84, projected here). For each published residence and family: the
nearest equipment and its straight-line distance, and the equipments within 500 m and
1 km (shapely's STRtree: `query_nearest`, `query(..., predicate="dwithin")`).

Secrecy. Equipment locations are public. A secret residence (fewer than the threshold
of dwellings, or hidden by complementary secrecy) keeps its location on the map and
nothing else: no distance, count or score describes it, although they could be worked
out from its public position, because the rule is that a secret residence shows no
figure. The zone shares and scores are dwelling-weighted over the published residences
only, from their published dwelling counts: every published value of this module is a
function of published values (residence positions and dwellings, public equipment), so
no hidden count can be recovered from it, by subtraction or otherwise. The price: a
zone's share leaves out the dwellings of its secret residences (said in the definitions).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.pipeline.proof import DisclosureError
from data.sources.codes import (
    EQUIPMENT_FAMILIES,
    TRANSIT_FAMILY,
    TRANSIT_STOP_LABEL,
    bpe_types,
)

LAMBERT93 = "EPSG:2154"
WGS84 = "EPSG:4326"
THEME = "equipements"
NEAR_METRES = 500.0
WALK_METRES = 1000.0
# Zone shares: indicator -> the families of which one within 500 m counts.
ZONE_SHARES: dict[str, tuple[str, ...]] = {
    "equipements.transit_500_share": (TRANSIT_FAMILY,),
    "equipements.school_500_share": ("maternelle", "elementaire"),
    "equipements.food_500_share": ("alimentation",),
    "equipements.doctor_500_share": ("medecin",),
}
SCORE = "equipements.score_500"
ZONE_COLUMNS = {
    "epci": "epci_code",
    "commune": "commune_code",
    "iris": "iris_code",
    "qpv": "qpv_code",
}
PROXIMITY_COLUMNS = [
    "residence_id",
    "family",
    "distance_m",
    "nearest_name",
    "nearest_type",
    "within_500",
    "within_1000",
]


def distance_indicator(family: str) -> str:
    """The id of the residence-level distance to the nearest equipment of `family`."""
    return f"{THEME}.distance_{family}"


@dataclass(frozen=True)
class Proximity:
    """What the step writes: the equipment points, the residences' nearest equipment and
    counts (published residences only), and the long-format indicator rows."""

    equipments: pd.DataFrame
    nearby: pd.DataFrame
    indicator_rows: pd.DataFrame
    bpe_vintage: int | None


def latest_bpe_vintage(con: duckdb.DuckDBPyConnection) -> int | None:
    [(vintage,)] = con.execute("SELECT max(year) FROM bpe").fetchall()
    return None if vintage is None else int(vintage)


def read_equipments(
    con: duckdb.DuckDBPyConnection, vintage: int | None, commune_names: dict[str, str]
) -> pd.DataFrame:
    """The equipment of the families, one row per (equipment, family), Lambert-93 `x`, `y`
    and WGS84 `lon`, `lat`; BPE points of `vintage`, then the GTFS stops."""
    rows = []
    if vintage is not None:
        bpe = con.execute(
            "SELECT depcom, typequ, x, y FROM bpe WHERE year = ? AND x IS NOT NULL "
            "AND y IS NOT NULL",
            [vintage],
        ).df()
        for code, (label, families) in bpe_types(vintage).items():
            of_code = bpe[bpe["typequ"] == code]
            for family in families:
                rows.append(
                    pd.DataFrame(
                        {
                            "family": family,
                            "typequ": code,
                            "type_label": label,
                            "name": None,
                            "commune_code": of_code["depcom"].to_numpy(),
                            "x": of_code["x"].to_numpy(),
                            "y": of_code["y"].to_numpy(),
                        }
                    )
                )
    stops = con.execute("SELECT stop_name, lon, lat FROM stops").df()
    stop_xy = gpd.GeoSeries(gpd.points_from_xy(stops["lon"], stops["lat"]), crs=WGS84).to_crs(
        LAMBERT93
    )
    rows.append(
        pd.DataFrame(
            {
                "family": TRANSIT_FAMILY,
                "typequ": None,
                "type_label": TRANSIT_STOP_LABEL,
                "name": stops["stop_name"].to_numpy(),
                "commune_code": None,
                "x": stop_xy.x.to_numpy(),
                "y": stop_xy.y.to_numpy(),
            }
        )
    )
    table = pd.concat(rows, ignore_index=True)
    table["commune_name"] = table["commune_code"].map(commune_names)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(table["x"], table["y"]), crs=LAMBERT93).to_crs(WGS84)
    table["lon"] = np.round(lonlat.x.to_numpy(), 6)
    table["lat"] = np.round(lonlat.y.to_numpy(), 6)
    table["family"] = pd.Categorical(table["family"], categories=list(EQUIPMENT_FAMILIES))
    return table.sort_values(["family", "x", "y"], ignore_index=True).astype({"family": "string"})


def nearest_equipment(residences: np.ndarray, equipment: pd.DataFrame) -> pd.DataFrame:
    """For each residence point (Lambert-93): the row of its nearest equipment among
    `equipment`, the distance, and the counts within 500 m and 1 km."""
    count = len(residences)
    if equipment.empty:
        return pd.DataFrame(
            {
                "distance_m": np.full(count, np.nan),
                "nearest_name": None,
                "nearest_type": None,
                "within_500": np.zeros(count, dtype="int32"),
                "within_1000": np.zeros(count, dtype="int32"),
            }
        )
    points = shapely.points(equipment["x"].to_numpy(), equipment["y"].to_numpy())
    tree = shapely.STRtree(points)
    (source, target), distance = tree.query_nearest(
        residences, return_distance=True, all_matches=False
    )
    order = np.argsort(source)
    nearest = equipment.iloc[target[order]]
    pairs = tree.query(residences, predicate="dwithin", distance=WALK_METRES)
    within = shapely.distance(residences[pairs[0]], points[pairs[1]])
    return pd.DataFrame(
        {
            "distance_m": np.round(distance[order], 0),
            "nearest_name": nearest["name"].to_numpy(),
            "nearest_type": nearest["type_label"].to_numpy(),
            "within_500": np.bincount(pairs[0][within <= NEAR_METRES], minlength=count),
            "within_1000": np.bincount(pairs[0], minlength=count),
        }
    ).astype({"within_500": "int32", "within_1000": "int32"})


def residence_nearby(published: pd.DataFrame, equipments: pd.DataFrame) -> pd.DataFrame:
    """One row per published residence and family (`PROXIMITY_COLUMNS`)."""
    points = gpd.GeoSeries(
        gpd.points_from_xy(published["lon"], published["lat"]), crs=WGS84
    ).to_crs(LAMBERT93)
    residences = points.to_numpy()
    frames = []
    for family in EQUIPMENT_FAMILIES:
        found = nearest_equipment(residences, equipments[equipments["family"] == family])
        found.insert(0, "family", family)
        found.insert(0, "residence_id", published["residence_id"].to_numpy())
        frames.append(found)
    nearby = pd.concat(frames, ignore_index=True)[PROXIMITY_COLUMNS]
    return nearby.sort_values(["residence_id", "family"], ignore_index=True)


def residence_scores(nearby: pd.DataFrame) -> pd.DataFrame:
    """Per residence: whether each zone share's families are within 500 m (0/1) and the
    score, the number of families with one equipment or more within 500 m."""
    near = (
        nearby.assign(near=(nearby["within_500"] > 0).astype(int))
        .pivot(index="residence_id", columns="family", values="near")
        .reindex(columns=list(EQUIPMENT_FAMILIES))
    )
    scores = pd.DataFrame(index=near.index)
    for indicator_id, families in ZONE_SHARES.items():
        scores[indicator_id] = near[list(families)].max(axis=1)
    scores[SCORE] = near.sum(axis=1)
    return scores


def long_rows(values: pd.DataFrame, scale: str, year: int) -> pd.DataFrame:
    """A (code x indicator) table as rows (scale, code, indicator_id, value, year)."""
    long = (
        values.rename_axis("code")
        .reset_index()
        .melt(id_vars="code", var_name="indicator_id", value_name="value")
    )
    long.insert(0, "scale", scale)
    return long.assign(year=year)


def zone_rows(
    published: pd.DataFrame, scores: pd.DataFrame, zones: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Dwelling-weighted shares (percent) and mean score of every zone, over its published
    residences present in `year`; 'nd' for a zone without any."""
    present = published[published["last_year"] == year].set_index("residence_id")
    weighted = scores.loc[present.index].mul(present["n_dwellings"].astype(float), axis=0)
    weighted["dwellings"] = present["n_dwellings"].astype(float)
    frames = []
    for scale, column in ZONE_COLUMNS.items():
        sums = weighted.groupby(present[column]).sum()
        ratio = sums.drop(columns="dwellings").div(sums["dwellings"], axis=0)
        ratio[list(ZONE_SHARES)] *= 100.0
        codes = zones.loc[zones["scale"] == scale, "code"]
        frames.append(long_rows(ratio.reindex(codes.to_numpy()), scale, year))
    return pd.concat(frames, ignore_index=True)


def residence_rows(
    residences: pd.DataFrame, nearby: pd.DataFrame, scores: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The residence-level rows of the residences present in `year`: score and distance
    to each family; a secret residence's rows are 'secret', without a value."""
    distances = nearby.pivot(index="residence_id", columns="family", values="distance_m").reindex(
        columns=list(EQUIPMENT_FAMILIES)
    )
    values = pd.concat(
        [
            scores[[SCORE]],
            distances.rename(columns={family: distance_indicator(family) for family in distances}),
        ],
        axis=1,
    )
    present = residences.loc[residences["last_year"] == year, "residence_id"]
    return long_rows(values.reindex(present.to_numpy()), "residence", year)


def indicator_rows(
    residences: pd.DataFrame, nearby: pd.DataFrame, zones: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The theme's rows in the columns of `indicator_row`."""
    published = residences[~residences["secret"]]
    scores = residence_scores(nearby)
    zone_values = zone_rows(published, scores, zones, year)
    residence_values = residence_rows(residences, nearby, scores, year)
    rows = pd.concat([zone_values, residence_values], ignore_index=True)
    secret = rows["scale"].eq("residence") & rows["code"].isin(
        residences.loc[residences["secret"], "residence_id"]
    )
    rows["status"] = np.where(secret, "secret", np.where(rows["value"].isna(), "nd", "ok"))
    rows["value"] = rows["value"].mask(secret)
    rows["theme"] = THEME
    rows["residence_id"] = None
    rows["hidden_from"] = None
    return rows[
        ["scale", "code", "year", "indicator_id", "theme", "value", "status", "residence_id",
         "hidden_from"]
    ]  # fmt: skip


def compute(
    con: duckdb.DuckDBPyConnection,
    residences: pd.DataFrame,
    zones: pd.DataFrame,
    epci_of: pd.Series,
) -> Proximity:
    """The step, from tables `bpe` and `stops` and the warehouse's residence table (its
    `n_dwellings` already null for a secret residence) and zones (scale, code, name)."""
    communes = zones[zones["scale"] == "commune"]
    vintage = latest_bpe_vintage(con)
    names = dict(zip(communes["code"], communes["name"], strict=True))
    equipments = read_equipments(con, vintage, names)
    published = residences[~residences["secret"]]
    nearby = residence_nearby(published, equipments)
    year = int(residences["last_year"].max())
    located = residences.assign(epci_code=residences["commune_code"].map(epci_of))
    rows = indicator_rows(located, nearby, zones, year)
    columns = ["family", "typequ", "type_label", "name", "commune_name", "lon", "lat"]
    return Proximity(equipments[columns], nearby, rows, vintage)


def append_indicator_rows(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """Add the theme's rows to `indicator_row` and sort it (scale, indicator, year, code):
    the long format is sorted here once, with the rows of the theme."""
    con.register("proximity_rows", rows)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE indicator_row AS
        SELECT * FROM (
          SELECT * FROM indicator_row
          UNION ALL BY NAME
          SELECT scale, code, CAST(year AS INTEGER) AS year, indicator_id, theme,
            CAST(value AS DOUBLE) AS value, status, CAST(residence_id AS VARCHAR) AS residence_id,
            CAST(hidden_from AS VARCHAR[]) AS hidden_from
          FROM proximity_rows
        )
        ORDER BY scale, indicator_id, year, code
        """
    )
    con.unregister("proximity_rows")


def prove(con: duckdb.DuckDBPyConnection, residences: pd.DataFrame, nearby: pd.DataFrame) -> None:
    """Read back the theme's rows of `indicator_row` before they are written: no figure of
    a secret residence, and every zone value the one that the published residences alone
    give (their published dwellings, their figures). Raises DisclosureError otherwise."""
    secret = set(residences.loc[residences["secret"], "residence_id"].tolist())
    if secret & set(nearby["residence_id"].tolist()):
        raise DisclosureError("proximité : une résidence secrète a des équipements proches")
    rows = con.execute(
        "SELECT scale, code, year, indicator_id, value FROM indicator_row WHERE theme = ?",
        [THEME],
    ).df()
    shown = rows[(rows["scale"] == "residence") & rows["value"].notna()]
    if secret & set(shown["code"].tolist()):
        raise DisclosureError("proximité : une valeur d'une résidence secrète est publiée")
    zones = rows[rows["scale"] != "residence"]
    if zones.empty:
        return
    published = residences[~residences["secret"]]
    expected = zone_rows(
        published,
        residence_scores(nearby),
        zones[["scale", "code"]].drop_duplicates(),
        int(zones["year"].max()),
    )
    merged = zones.merge(expected, on=["scale", "code", "year", "indicator_id"], how="left")
    differs = ~np.isclose(merged["value_x"], merged["value_y"], equal_nan=True)
    if differs.any():
        raise DisclosureError(
            f"proximité : {int(differs.sum())} valeurs de zone ne viennent pas des seules "
            "résidences publiées"
        )
