"""The demo social housing stock: residences (one landlord, one address) and dwellings.

Built once for all vintages, so a dwelling keeps its IDENT_INT from one RPLS file to the
next. Each residence has a first and last vintage (new builds appear, demolitions in the
old QPV stock), and individual dwellings can leave one by one (sales to tenants).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.geography import sample_in_polygon
from data.demo.landlords import landlord_names, landlord_shares
from data.demo.names import PROGRAMME_STEMS, STREETS
from data.demo.places import POSTAL_CODES
from data.demo.randomness import pick

PLACEMENT_MARGIN = 25.0  # metres kept between a residence and its IRIS boundary
JITTER = 4.0  # metres, spread of the dwellings of one residence around its point
NEW_BUILD_RATE = 0.012  # new dwellings per year, share of the stock
UNKNOWN = np.iinfo(np.int32).max


@dataclass(frozen=True)
class Stock:
    residences: pd.DataFrame  # one row per residence, with first_year / last_year
    dwellings: pd.DataFrame  # one row per dwelling, static attributes and last_year


def _iris_targets(iris: pd.DataFrame, by_commune: pd.Series) -> np.ndarray:
    weight = iris["population"] * (0.2 + iris["p"]) ** 1.5
    weight = weight * np.where(iris["qpv"] != "", 2.0, 1.0)
    weight = weight * np.where(iris["TYP_IRIS"].isin(["A", "D"]), 0.3, 1.0)
    # The six communes "mortes pour la France" (Meuse) have no inhabitant: no stock either.
    share = (weight / weight.groupby(iris["INSEE_COM"]).transform("sum")).fillna(0.0)
    return (share * iris["INSEE_COM"].map(by_commune)).to_numpy()


def _draw_sizes(
    p: np.ndarray, z_iris: np.ndarray, in_qpv: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Number of dwellings of residences given the poverty index of their IRIS."""
    small_share = np.clip(0.19 - 0.11 * p + 0.05 * z_iris, 0.05, 0.5)
    small = rng.random(len(p)) < small_share
    small_size = np.where(rng.random(len(p)) < 0.45, 1, rng.integers(2, 11, len(p)))
    median = 26.0 + 40.0 * p + 35.0 * in_qpv
    large = np.clip(np.round(rng.lognormal(np.log(median), 0.55)), 11, 420)
    return np.where(small, small_size, large).astype(int)


def _fit_commune_totals(
    sizes: np.ndarray, iris_index: np.ndarray, iris: pd.DataFrame, target: np.ndarray
) -> np.ndarray:
    """Stretch the buildings (11 dwellings and more) so each commune meets its target."""
    commune = iris["INSEE_COM"].to_numpy()[iris_index]
    wanted = pd.Series(target).groupby(iris["INSEE_COM"].to_numpy()).sum()
    large = sizes >= 11
    small_total = pd.Series(np.where(large, 0, sizes)).groupby(commune).sum()
    large_total = pd.Series(np.where(large, sizes, 0)).groupby(commune).sum()
    factor = ((wanted - small_total) / large_total).reindex(commune).to_numpy()
    factor = np.nan_to_num(factor, nan=1.0, posinf=1.0).clip(0.3, 3.0)
    stretched = np.clip(np.round(sizes * factor), 11, 450).astype(int)
    return np.where(large, stretched, sizes)


def _mean_size(p: np.ndarray, z_iris: np.ndarray, in_qpv: np.ndarray) -> np.ndarray:
    small_share = np.clip(0.19 - 0.11 * p + 0.05 * z_iris, 0.05, 0.5)
    large_mean = (26.0 + 40.0 * p + 35.0 * in_qpv) * np.exp(0.55**2 / 2)
    return small_share * 3.3 + (1 - small_share) * large_mean


def _construction_years(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One construction year per residence: older where poverty is high."""
    poor = np.array([0.12, 0.55, 0.20, 0.13])
    rich = np.array([0.04, 0.18, 0.30, 0.48])
    probs = rich[None, :] + p[:, None] * (poor - rich)[None, :]
    period = pick(rng, probs)
    starts = np.array([1920, 1950, 1977, 2000])[period]
    ends = np.array([1948, 1976, 1999, 2017])[period]
    return rng.integers(starts, ends + 1)


def _place(iris: gpd.GeoDataFrame, iris_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A point inside the IRIS of each residence (village residences near the centre)."""
    xy = np.empty((len(iris_index), 2))
    order = np.argsort(iris_index, kind="stable")
    bounds = np.searchsorted(iris_index[order], np.arange(len(iris) + 1))
    for i in range(len(iris)):
        members = order[bounds[i] : bounds[i + 1]]
        if len(members) == 0:
            continue
        polygon = iris.geometry.iloc[i]
        inner = polygon.buffer(-PLACEMENT_MARGIN)
        if inner.is_empty or inner.area < 0.05 * polygon.area:
            inner = polygon.buffer(-2 * JITTER - 1)
        if iris["TYP_IRIS"].iloc[i] == "Z":
            centre = shapely.get_coordinates(polygon.point_on_surface())[0]
            spread = 0.12 * np.sqrt(polygon.area)
            xy[members] = sample_in_polygon(inner, len(members), rng, tuple(centre), spread)
        else:
            xy[members] = sample_in_polygon(inner, len(members), rng)
    return xy


def _residence_table(
    iris: gpd.GeoDataFrame,
    iris_index: np.ndarray,
    construct: np.ndarray,
    sizes: np.ndarray,
    first_year: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    n = len(iris_index)
    row = iris.iloc[iris_index]
    xy = _place(iris, iris_index, rng)
    p = row["p"].to_numpy()
    individual = (sizes == 1) | ((sizes < 11) & (rng.random(n) < 0.7))
    student = (~individual) & (sizes >= 40) & row["INSEE_COM"].isin(["59009", "59350"]).to_numpy()
    student &= rng.random(n) < 0.08
    typeconst = np.where(individual, "I", np.where(student, "E", "C"))
    origine = np.where(
        construct >= 2005,
        np.array(["1", "4", "2", "3"])[pick(rng, np.tile([0.55, 0.35, 0.05, 0.05], (n, 1)))],
        np.array(["1", "2", "3"])[pick(rng, np.tile([0.85, 0.1, 0.05], (n, 1)))],
    )
    dpe_mean = np.select(
        [construct < 1949, construct < 1977, construct < 2000, construct < 2013],
        [4.3, 3.8, 3.0, 2.0],
        default=1.1,
    )
    dpe = np.clip(np.round(dpe_mean + rng.normal(0, 0.8, n)), 0, 6).astype(int)
    renovated = (construct < 1990) & (rng.random(n) < 0.18)
    renovation_year = np.where(renovated, rng.integers(2019, 2025, n), UNKNOWN)
    return pd.DataFrame(
        {
            "iris_index": iris_index,
            "DEPCOM": row["INSEE_COM"].to_numpy(),
            "LIBCOM": row["NOM_COM"].to_numpy(),
            "PLG_IRIS": row["IRIS"].to_numpy(),
            "QPV": row["qpv"].to_numpy(),
            "p": p,
            "x": xy[:, 0],
            "y": xy[:, 1],
            "size": sizes,
            "CONSTRUCT": construct,
            "TYPECONST": typeconst,
            "ORIGINE": origine,
            "dpe": dpe,
            "dpe_known": rng.random(n) > 0.04,
            "renovation_year": renovation_year,
            "first_year": first_year,
        }
    )


def _assign_landlords(
    residences: pd.DataFrame, communes: pd.DataFrame, rng: np.random.Generator
) -> None:
    """One landlord per residence, from a commune-specific mix (a Dirichlet draw) around
    the shares of the landlords of its département and region."""
    shares = landlord_shares(communes)
    present, inverse = np.unique(residences["DEPCOM"].to_numpy(), return_inverse=True)
    mixes = rng.gamma(shares.loc[present].to_numpy() * 6.0)  # 0 where a landlord is absent
    choice = pick(rng, mixes[inverse])
    sirens = shares.columns.to_numpy()[choice]
    residences["SIREN_BAILLEUR"] = sirens
    residences["RS_BAILLEUR"] = pd.Series(sirens).map(landlord_names(communes)).to_numpy()


def _assign_addresses(residences: pd.DataFrame, rng: np.random.Generator) -> None:
    """Street, number and postal code; each IRIS has a few streets of its own."""
    n = len(residences)
    iris_streets = rng.integers(0, len(STREETS), size=(residences["iris_index"].max() + 1, 6))
    street = iris_streets[residences["iris_index"].to_numpy(), rng.integers(0, 6, n)]
    residences["TYPVOIE"] = np.array([t for t, _ in STREETS])[street]
    residences["NOMVOIE"] = np.array([s for _, s in STREETS])[street]
    residences["NUMVOIE"] = rng.integers(1, 160, n)
    residences["INDREP"] = np.array(["", "B", "T"])[pick(rng, np.tile([0.93, 0.05, 0.02], (n, 1)))]
    key = ["SIREN_BAILLEUR", "DEPCOM", "NUMVOIE", "INDREP", "TYPVOIE", "NOMVOIE"]
    for _ in range(100):
        clash = residences.duplicated(key).to_numpy()
        if not clash.any():
            break
        residences.loc[clash, "NUMVOIE"] = rng.integers(1, 400, int(clash.sum()))
    residences["NUMVOIE"] = residences["NUMVOIE"].astype(str)
    # Corsica's communes (2A, 2B) have postal codes 20xxx.
    fallback = residences["DEPCOM"].str[:2].replace({"2A": "20", "2B": "20"}) + "000"
    residences["CODEPOSTAL"] = residences["DEPCOM"].map(POSTAL_CODES).fillna(fallback)
    stems = np.array(PROGRAMME_STEMS)[rng.integers(0, len(PROGRAMME_STEMS), n)]
    named = (residences["size"] >= 11).to_numpy() | (rng.random(n) < 0.3)
    residences["NOMPROG"] = ""
    residences.loc[named, "NOMPROG"] = programme_names(
        residences["DEPCOM"][named], pd.Series(stems[named]), residences["NOMVOIE"][named]
    )


def programme_names(communes: pd.Series, stems: pd.Series, streets: pd.Series) -> np.ndarray:
    """One name per programme of a commune, as a commune's programmes are named: a stem
    drawn again in the same commune names the residence after its street (« Résidence
    Jean Lebas »), or, when that is taken too, numbers the programme (« Les Tilleuls 3 »)."""
    frame = pd.DataFrame(
        {"commune": communes.to_numpy(), "stem": stems.to_numpy(), "street": streets.to_numpy()}
    )
    seen = frame.groupby(["commune", "stem"]).cumcount()
    name = frame["stem"].where(seen == 0, "Résidence " + frame["street"])
    taken = pd.MultiIndex.from_frame(pd.DataFrame({"c": frame["commune"], "n": name})[seen == 0])
    key = pd.MultiIndex.from_arrays([frame["commune"], name])
    clash = (seen > 0) & (key.isin(taken) | key.duplicated())
    numbered = frame["stem"] + " " + (seen + 1).astype(str)
    return name.where(~clash, numbered).to_numpy()


def build_residences(
    iris: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    by_commune: pd.Series,
    scale: float,
    years: list[int],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Residences of the first vintage (`by_commune`: social dwellings per commune code;
    `communes`: code, dep_code, dep_name, reg_code, reg_name), plus the new builds of the
    following ones."""
    p = iris["p"].to_numpy()
    z_iris = (iris["TYP_IRIS"] == "Z").to_numpy().astype(float)
    in_qpv = (iris["qpv"] != "").to_numpy().astype(float)
    target = _iris_targets(iris, by_commune)
    expected = target / _mean_size(p, z_iris, in_qpv)
    counts = rng.poisson(expected)
    counts = np.where((counts == 0) & (target >= 11), 1, counts)
    # Villages with a handful of social dwellings: scattered houses and small buildings.
    scattered = (z_iris > 0) & (target < 60 * scale)
    counts = np.where(scattered, np.ceil(target / 6.0).astype(int), counts)
    iris_index = np.repeat(np.arange(len(iris)), counts)
    sizes = _draw_sizes(p[iris_index], z_iris[iris_index], in_qpv[iris_index], rng)
    sizes = np.where(scattered[iris_index], rng.integers(1, 11, len(sizes)), sizes)
    sizes = _fit_commune_totals(sizes, iris_index, iris, target)
    base = _residence_table(
        iris,
        iris_index,
        _construction_years(p[iris_index], rng),
        sizes,
        np.full(len(iris_index), years[0]),
        rng,
    )
    # New builds: catching up where social housing is scarce, mostly outside QPV.
    new_weight = iris["population"].to_numpy() * (1.15 - p) * np.where(in_qpv > 0, 0.3, 1.0)
    new_weight = new_weight * np.where(iris["TYP_IRIS"].isin(["A", "D"]), 0.2, 1.0)
    new_parts = [base]
    for year in years[1:]:
        n_new = rng.poisson(NEW_BUILD_RATE * sizes.sum() / 28.0)
        where = rng.choice(len(iris), size=n_new, p=new_weight / new_weight.sum())
        new_sizes = np.where(
            rng.random(n_new) < 0.2,
            rng.integers(1, 11, n_new),
            np.clip(np.round(rng.lognormal(np.log(28), 0.5, n_new)), 11, 150),
        ).astype(int)
        construct = year - 1 - (rng.random(n_new) < 0.3)
        new_parts.append(
            _residence_table(iris, where, construct, new_sizes, np.full(n_new, year), rng)
        )
    residences = pd.concat(new_parts, ignore_index=True)
    residences["last_year"] = _demolitions(residences, years, rng)
    _assign_landlords(residences, communes, rng)
    _assign_addresses(residences, rng)
    return residences


def _demolitions(
    residences: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> np.ndarray:
    """Last vintage of each residence: old large QPV buildings are demolished (ANRU)."""
    n = len(residences)
    old_large = (residences["CONSTRUCT"] < 1977) & (residences["size"] >= 20)
    probability = np.where(old_large & (residences["QPV"] != ""), 0.10, 0.0)
    probability = np.where(old_large & (residences["QPV"] == ""), 0.008, probability)
    demolished = (rng.random(n) < probability) & (residences["first_year"] == years[0])
    demolition_year = rng.integers(years[1], years[-1] + 1, n)
    return np.where(demolished, demolition_year - 1, years[-1]).astype(int)
