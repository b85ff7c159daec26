"""BPE points: schools, health, shops, post offices and stations, denser where people live."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.geography import sample_in_polygon
from data.demo.places import STATION_COMMUNES

# (TYPEQU of the 2024 list, equipments per 1 000 inhabitants): about the national
# densities (e.g. 20 000 pharmacies, 7 000 collèges for 68 million inhabitants).
DENSITIES: tuple[tuple[str, float], ...] = (
    ("C107", 0.15),  # école maternelle
    ("C108", 0.10),  # école primaire
    ("C109", 0.18),  # école élémentaire
    ("C201", 0.08),  # collège
    ("D502", 0.25),  # crèche (EAJE)
    ("D265", 0.85),  # médecin généraliste
    ("D307", 0.30),  # pharmacie
    ("B104", 0.02),  # hypermarché
    ("B105", 0.10),  # supermarché
    ("B201", 0.12),  # supérette
    ("B202", 0.35),  # épicerie
    ("B207", 0.50),  # boulangerie-pâtisserie
    ("A206", 0.04),  # bureau de poste
    ("A207", 0.04),  # relais poste
    ("A208", 0.02),  # agence postale
    ("A128", 0.01),  # France Services
)
# One station per station commune: of national interest in Lille, regional elsewhere.
NATIONAL_STATION_COMMUNES = ("59350",)
NATIONAL_STATION_CODE = "E107"
STATION_CODE = "E108"
BPE_COLUMNS = ("DEPCOM", "DCIRIS", "AN", "TYPEQU", "LAMBERT_X", "LAMBERT_Y", "QUALITE_XY")


def bpe_table(iris: gpd.GeoDataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per equipment, placed around the centre of its IRIS."""
    population = iris["population"].to_numpy()
    codes = [code for code, _ in DENSITIES] + [STATION_CODE]
    densities = np.array([density for _, density in DENSITIES])
    counts = rng.poisson(population[:, None] * densities[None, :] / 1000.0)
    stations = iris[iris["INSEE_COM"].isin(STATION_COMMUNES)]
    first = iris.index.get_indexer(stations.groupby("INSEE_COM").head(1).index)
    counts = np.column_stack([counts, np.isin(np.arange(len(iris)), first).astype(int)])
    table = _points(iris, counts, codes, rng)
    national = (table["TYPEQU"] == STATION_CODE) & table["DEPCOM"].isin(NATIONAL_STATION_COMMUNES)
    table.loc[national, "TYPEQU"] = NATIONAL_STATION_CODE
    table.insert(2, "AN", year)
    quality = rng.choice(["Bonne", "Acceptable", "Mauvaise"], size=len(table), p=[0.9, 0.08, 0.02])
    table["QUALITE_XY"] = quality
    return table.sort_values(["DEPCOM", "TYPEQU", "LAMBERT_X"], ignore_index=True)[
        list(BPE_COLUMNS)
    ]


def _points(
    iris: gpd.GeoDataFrame, counts: np.ndarray, codes: list[str], rng: np.random.Generator
) -> pd.DataFrame:
    """counts: (IRIS, code) matrix of equipments to place."""
    totals = counts.sum(axis=1)
    xy = np.empty((int(totals.sum()), 2))
    start = 0
    for i in np.flatnonzero(totals):
        polygon = iris.geometry.iloc[i]
        centre = tuple(shapely.get_coordinates(polygon.point_on_surface())[0])
        spread = (0.15 if iris["TYP_IRIS"].iloc[i] == "Z" else 0.35) * np.sqrt(polygon.area)
        xy[start : start + totals[i]] = sample_in_polygon(
            polygon, int(totals[i]), rng, centre, spread
        )
        start += totals[i]
    iris_of = np.repeat(np.arange(len(iris)), totals)
    code_of = np.concatenate([np.repeat(np.arange(len(codes)), row) for row in counts])
    return pd.DataFrame(
        {
            "DEPCOM": iris["INSEE_COM"].to_numpy()[iris_of],
            "DCIRIS": iris["CODE_IRIS"].to_numpy()[iris_of],
            "TYPEQU": np.array(codes)[code_of],
            "LAMBERT_X": np.round(xy[:, 0], 1),
            "LAMBERT_Y": np.round(xy[:, 1], 1),
        }
    )
