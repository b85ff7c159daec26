"""Filosofi IRIS file (disposable income), consistent with the demo poverty rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

SMALL_IRIS = 2_000  # inhabitants under which dispersion figures are not published
TINY_IRIS = 600  # under which nothing is published


def _fr(values: np.ndarray, decimals: int) -> np.ndarray:
    text = np.char.mod(f"%.{decimals}f", values)
    return np.char.replace(text, ".", ",")


def filosofi_table(iris: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per IRIS: BASE_TD_FILO_IRIS_<yy>_DISP layout, decimal comma, ns/nd."""
    yy = f"{year % 100:02d}"
    rate = iris["rate"].to_numpy()
    n = len(iris)
    median = np.round(21_000 * np.exp(-(rate - 14) * 0.016) * rng.normal(1, 0.03, n), -1)
    d1 = median * np.clip(0.62 - 0.005 * rate, 0.36, 0.6)
    d9 = median * (1.75 + 0.008 * rate + rng.normal(0, 0.05, n))
    q1 = median * (0.80 - 0.004 * rate)
    q3 = median * (1.30 + 0.003 * rate)
    gini = 0.24 + 0.0035 * rate + rng.normal(0, 0.01, n)
    minima = np.clip(0.3 * rate + rng.normal(0, 0.8, n), 0.2, None)
    table = pd.DataFrame(
        {
            "IRIS": iris["CODE_IRIS"].to_numpy(),
            "LIBIRIS": iris["NOM_IRIS"].to_numpy(),
            "COM": iris["INSEE_COM"].to_numpy(),
            "LIBCOM": iris["NOM_COM"].to_numpy(),
            f"DISP_MED{yy}": _fr(median, 0),
            f"DISP_TP60{yy}": _fr(rate, 1),
            f"DISP_Q1{yy}": _fr(np.round(q1, -1), 0),
            f"DISP_Q3{yy}": _fr(np.round(q3, -1), 0),
            f"DISP_D1{yy}": _fr(np.round(d1, -1), 0),
            f"DISP_D9{yy}": _fr(np.round(d9, -1), 0),
            f"DISP_RD{yy}": _fr(d9 / d1, 1),
            f"DISP_GI{yy}": _fr(gini, 3),
            f"DISP_PPMINI{yy}": _fr(minima, 1),
        }
    )
    population = iris["population"].to_numpy()
    small = population < SMALL_IRIS
    for column in (
        f"DISP_TP60{yy}",
        f"DISP_D1{yy}",
        f"DISP_D9{yy}",
        f"DISP_RD{yy}",
        f"DISP_GI{yy}",
    ):
        table.loc[small, column] = "ns"
    table.loc[small, f"DISP_PPMINI{yy}"] = "nd"
    tiny = population < TINY_IRIS
    table.loc[tiny, table.columns[4:]] = "ns"
    return table
