"""How many social dwellings each commune of the demo holds, from the commune table alone.

A pure function of the communes' population, EPCI and (when the demo has drawn one) poverty
rate, so that any territory looks like itself and the sizing is testable without
generating a row. The share of main residences that are social rises with the size of the
commune (near zero in villages, about a quarter in large cities) and a little with the
size of its EPCI (suburbs of a metropolis hold more than those of a small town); over
France it adds up to about 5.2 million, the order of RPLS (5.4 million in 2024, 17 % of
main residences). Within a territory, poorer communes hold more of it and richer ones
less, without changing the territory's total; no commune passes MAX_SHARE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.catalog import PERSONS_PER_MAIN_RESIDENCE

MAX_SHARE = 0.6
# Share of main residences that are social, by log10 of the commune's population.
COMMUNE_CURVE = ((2.0, 3.0, 3.5, 4.0, 4.5, 5.0), (0.01, 0.05, 0.10, 0.17, 0.23, 0.25))
# Factor by log10 of the population of the commune's EPCI.
EPCI_CURVE = ((4.0, 5.0, 5.5, 6.0), (0.85, 1.0, 1.1, 1.15))
# The poverty rate (percent) moves the share by this much per point, bounded.
POVERTY_BASE, POVERTY_SLOPE, POVERTY_BOUNDS = 0.07, 0.0075, (0.3, 2.2)


def _on_curve(values: np.ndarray, curve: tuple[tuple[float, ...], tuple[float, ...]]) -> np.ndarray:
    return np.interp(np.log10(np.maximum(values, 1.0)), *curve)


def social_share(communes: pd.DataFrame) -> pd.Series:
    """Share of main residences that are social, per commune (indexed by `code`).

    `communes`: code, population, epci_code (empty outside any EPCI), and optionally
    poverty (percent): then the territory's communes trade their shares by poverty, the
    territory's total of social dwellings unchanged up to the MAX_SHARE bound."""
    population = communes["population"].to_numpy(dtype=float)
    epci_population = (
        communes.groupby("epci_code")["population"].transform("sum").to_numpy(dtype=float)
    )
    epci_population = np.where(communes["epci_code"].to_numpy() == "", population, epci_population)
    share = _on_curve(population, COMMUNE_CURVE) * _on_curve(epci_population, EPCI_CURVE)
    if "poverty" in communes:
        tilt = POVERTY_BASE + POVERTY_SLOPE * communes["poverty"].to_numpy(dtype=float)
        weights = share * population
        tilt = tilt / (np.sum(tilt * weights) / max(np.sum(weights), 1.0))
        share = share * np.clip(tilt, *POVERTY_BOUNDS)
    return pd.Series(np.minimum(share, MAX_SHARE), index=communes["code"].to_numpy())


def social_dwellings(communes: pd.DataFrame, scale: float = 1.0) -> pd.Series:
    """Social dwellings per commune (indexed by `code`, not rounded), times `scale`."""
    main_residences = communes["population"].to_numpy(dtype=float) / PERSONS_PER_MAIN_RESIDENCE
    return social_share(communes) * main_residences * scale
