"""A smooth demo poverty field: the poverty rate (percent, at 60 %) of every IRIS.

Commune level from `places.COMMUNE_POVERTY`; within a commune, bumps around the real
neighbourhoods of `places.QUARTERS` plus a smooth random field, rescaled so that the
population-weighted mean of the commune stays at its level. Nearby IRIS are alike.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.geography import quarters_lambert
from data.demo.places import COMMUNE_POVERTY, DEFAULT_POVERTY

QUARTER_RADIUS = 900.0  # metres, reach of a neighbourhood's bump
NOISE_RADIUS = 1800.0
NOISE_BUMPS = 400
NOISE_WEIGHT = 0.3
MIN_RATE, MAX_RATE = 2.0, 58.0


def _quarter_shift(iris: gpd.GeoDataFrame, xy: np.ndarray) -> np.ndarray:
    quarters = quarters_lambert()
    shift = np.zeros(len(iris))
    communes = iris["INSEE_COM"].to_numpy()
    for q in quarters.itertuples(index=False):
        d2 = (xy[:, 0] - q.x) ** 2 + (xy[:, 1] - q.y) ** 2
        bump = q.poverty * np.exp(-d2 / (2 * QUARTER_RADIUS**2))
        shift += np.where(communes == q.commune, bump, 0.0)
    return shift


def _smooth_noise(xy: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    lo, hi = xy.min(axis=0) - 3000, xy.max(axis=0) + 3000
    centres = rng.uniform(lo, hi, size=(NOISE_BUMPS, 2))
    signs = rng.normal(0.0, 1.0, NOISE_BUMPS)
    d2 = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    field = (signs[None, :] * np.exp(-d2 / (2 * NOISE_RADIUS**2))).sum(axis=1)
    return (field - field.mean()) / (field.std() or 1.0)


def iris_poverty(iris: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.Series:
    """Poverty rate (percent) per IRIS, indexed like iris."""
    xy = shapely.get_coordinates(shapely.point_on_surface(iris.geometry.to_numpy()))
    noise = _smooth_noise(xy, rng)
    shift = _quarter_shift(iris, xy) + NOISE_WEIGHT * noise
    # Communes without a known level vary smoothly around the default (villages).
    default = DEFAULT_POVERTY * np.exp(0.25 * noise)
    base = iris["INSEE_COM"].map(COMMUNE_POVERTY).to_numpy(dtype=float, na_value=np.nan)
    base = np.where(np.isnan(base), default, base)
    raw = pd.Series(base * np.exp(shift), index=iris.index)
    weights = iris["population"].clip(lower=1)
    weighted_mean = (raw * weights).groupby(iris["INSEE_COM"]).transform("sum") / (
        weights.groupby(iris["INSEE_COM"]).transform("sum")
    )
    return (raw * base / weighted_mean).clip(MIN_RATE, MAX_RATE).round(1)


def commune_poverty(iris: pd.DataFrame) -> pd.Series:
    """Poverty rate (percent) per commune code: the population-weighted mean of its IRIS."""
    weighted = iris.assign(w=iris["rate"] * iris["population"]).groupby("INSEE_COM")
    return weighted["w"].sum() / weighted["population"].sum().clip(lower=1)


def poverty_index(rate: pd.Series) -> pd.Series:
    """The poverty rate mapped to 0 (affluent) .. 1 (poorest) for the other generators."""
    return ((rate - 4.0) / 45.0).clip(0.0, 1.0)
