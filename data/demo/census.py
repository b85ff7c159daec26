"""The census "base logement" of the demo communes (INSEE, bases communales du RP).

One row per commune, `;`-separated, counts with decimals as INSEE publishes them (they
are weighted): main residences from the real municipal population and a household size
drawn around 2.2 persons, then secondary and vacant dwellings around them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MEAN_HOUSEHOLD_SIZE = 2.2
HOUSEHOLD_SIZE_SPREAD = 0.12
HOUSEHOLD_SIZE_BOUNDS = (1.8, 2.7)
DECIMALS = 5


def census_file_name(year: int) -> str:
    return f"base-cc-logement-{year}.CSV"


def logement_table(communes: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """CODGEO and the first counts of the file (`P<yy>_LOG`, `_RP`, `_RSECOCC`, `_LOGVAC`)."""
    n = len(communes)
    size = np.clip(
        rng.normal(MEAN_HOUSEHOLD_SIZE, HOUSEHOLD_SIZE_SPREAD, n), *HOUSEHOLD_SIZE_BOUNDS
    )
    main = communes["population"].to_numpy() / size
    secondary = main * rng.uniform(0.005, 0.02, n)
    vacant = main * rng.uniform(0.05, 0.09, n)
    prefix = f"P{year % 100:02d}"
    return pd.DataFrame(
        {
            "CODGEO": communes["code"].to_numpy(),
            f"{prefix}_LOG": np.round(main + secondary + vacant, DECIMALS),
            f"{prefix}_RP": np.round(main, DECIMALS),
            f"{prefix}_RSECOCC": np.round(secondary, DECIMALS),
            f"{prefix}_LOGVAC": np.round(vacant, DECIMALS),
        }
    )
