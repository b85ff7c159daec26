"""Demo QPV: unions of contiguous IRIS where the demo poverty is highest.

Each large poor commune gets a quota of priority neighbourhoods; a QPV grows from the
poorest free IRIS through its poorest neighbours. Names come from the real neighbourhood
nearest to it, else from its direction from the town centre ("Quartier Nord").
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.geography import WGS84, quarters_lambert

# Number of QPV per commune: about the real distribution of the MEL (27 in all).
QPV_QUOTAS: dict[str, int] = {
    "59512": 6,
    "59599": 5,
    "59350": 6,
    "59650": 2,
    "59009": 2,
    "59017": 1,
    "59360": 1,
    "59299": 1,
    "59410": 1,
    "59163": 1,
    "59279": 1,
}
MIN_COMMUNE_POPULATION = 15_000
DIRECTIONS = ("Est", "Nord-Est", "Nord", "Nord-Ouest", "Ouest", "Sud-Ouest", "Sud", "Sud-Est")


def _quotas(iris: gpd.GeoDataFrame, rate: pd.Series) -> dict[str, int]:
    """The MEL's quotas for its communes; in the other EPCIs one QPV per poor large
    commune, for the poorer half of them (at least one)."""
    present = set(iris["INSEE_COM"])
    quotas = {code: n for code, n in QPV_QUOTAS.items() if code in present}
    known_epcis = set(iris.loc[iris["INSEE_COM"].isin(quotas), "epci_code"])
    others = ~iris["epci_code"].isin(known_epcis)
    if not others.any():
        return quotas
    population = iris[others].groupby("INSEE_COM")["population"].sum()
    mean_rate = rate[others].groupby(iris.loc[others, "INSEE_COM"]).mean()
    large = mean_rate[population >= MIN_COMMUNE_POPULATION].sort_values(ascending=False)
    return quotas | {code: 1 for code in large.index[: max(1, len(large) // 2)]}


def build_qpv(
    iris: gpd.GeoDataFrame, rate: pd.Series, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """QPV layer (code_qp, lib_qp, insee_com, lib_com, WGS84) and the QPV code per IRIS."""
    geoms = iris.geometry.to_numpy()
    touching = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    neighbours: dict[int, set[int]] = {}
    for a, b in touching.T:
        if a != b:
            neighbours.setdefault(int(a), set()).add(int(b))
    quarters = quarters_lambert()
    member_of = np.full(len(iris), "", dtype=object)
    records: list[dict] = []
    rates = rate.to_numpy()
    codes = iris["INSEE_COM"].to_numpy()
    habitat = (iris["TYP_IRIS"] == "H").to_numpy()
    for commune, quota in sorted(_quotas(iris, rate).items()):
        candidates = np.flatnonzero((codes == commune) & habitat)
        threshold = np.quantile(rates[candidates], 0.6)
        for _ in range(quota):
            free = [i for i in candidates if not member_of[i]]
            if not free:
                break
            seed = max(free, key=lambda i: rates[i])
            size = int(rng.integers(2, 5))
            members = [seed]
            while len(members) < size:
                ring = {
                    n
                    for m in members
                    for n in neighbours.get(m, ())
                    if codes[n] == commune
                    and habitat[n]
                    and not member_of[n]
                    and n not in members
                    and rates[n] >= threshold
                }
                if not ring:
                    break
                members.append(max(ring, key=lambda i: rates[i]))
            code = f"QN059{len(records) + 1:03d}M"
            for m in members:
                member_of[m] = code
            records.append({"code_qp": code, "members": members, "insee_com": commune})
    layer = []
    for record in records:
        shape = shapely.union_all(geoms[record["members"]])
        commune_rows = iris[iris["INSEE_COM"] == record["insee_com"]]
        layer.append(
            {
                "code_qp": record["code_qp"],
                "lib_qp": _qpv_name(shape, record["insee_com"], commune_rows, quarters, layer),
                "insee_com": record["insee_com"],
                "lib_com": commune_rows["NOM_COM"].iloc[0],
                "geometry": shape,
            }
        )
    qpv = gpd.GeoDataFrame(layer, geometry="geometry", crs=iris.crs).to_crs(WGS84)
    return qpv, pd.Series(member_of, index=iris.index, name="qpv")


def _qpv_name(
    shape: shapely.Geometry,
    commune: str,
    commune_rows: gpd.GeoDataFrame,
    quarters: pd.DataFrame,
    named: list[dict],
) -> str:
    taken = {r["lib_qp"] for r in named if r["insee_com"] == commune}
    centre = shapely.get_coordinates(shapely.point_on_surface(shape))[0]
    local = quarters[(quarters["commune"] == commune) & quarters["qpv"]]
    if len(local):
        distance = np.hypot(local["x"] - centre[0], local["y"] - centre[1])
        for index in np.argsort(distance.to_numpy()):
            name = local["name"].iloc[index]
            if distance.iloc[index] < 2500 and name not in taken:
                return name
    middle = shapely.get_coordinates(
        shapely.point_on_surface(shapely.union_all(commune_rows.geometry.to_numpy()))
    )[0]
    angle = np.degrees(np.arctan2(centre[1] - middle[1], centre[0] - middle[0])) % 360
    direction = DIRECTIONS[int(((angle + 22.5) % 360) // 45)]
    name = f"Quartier {direction}"
    return name if name not in taken else f"{name} {len(taken) + 1}"
