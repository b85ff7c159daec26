"""SNE infocentre extracts: pending applications and allocations, aggregated.

MEL totals close to the real order of magnitude (about 55 000 pending applications,
8 000 to 10 000 allocations a year, demand rising, allocations slowly falling), split by
commune after its stock, then by typology, income quartile, QPV, reservation holder and
priority public. Zero cells are not listed, as in the real extracts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.sources.codes import SNE_QUARTILE, SNE_RESERVATAIRE, SNE_TYPOLOGIE

SNE_COLUMNS = (
    "DEPCOM",
    "ANNEE",
    "INDICATEUR",
    "TYPOLOGIE",
    "QUARTILE",
    "QPV",
    "RESERVATAIRE",
    "PUBLIC_PRIORITAIRE",
    "NOMBRE",
    "DELAI_MEDIAN_MOIS",
)
FIRST_YEAR = 2019
PENDING_2019, PENDING_GROWTH = 52_000, 0.025
ALLOCATIONS_2019, ALLOCATIONS_TREND = 9_800, -0.03
TYPOLOGY = {
    "demandes": [0.18, 0.33, 0.29, 0.15, 0.05],
    "attributions": [0.09, 0.26, 0.36, 0.23, 0.06],
}
# Quartile shares outside / inside QPV (columns Q1..Q4, NR).
QUARTILES = {
    ("demandes", 0): [0.40, 0.24, 0.18, 0.13, 0.05],
    ("demandes", 1): [0.48, 0.23, 0.15, 0.09, 0.05],
    ("attributions", 0): [0.20, 0.32, 0.25, 0.19, 0.04],
    ("attributions", 1): [0.50, 0.25, 0.14, 0.08, 0.03],
}
RESERVATION = [0.28, 0.30, 0.14, 0.28]  # etat, action_logement, collectivites, bailleur
PRIORITY = [0.62, 0.16, 0.24, 0.21]  # share of priority publics by reservation holder


def sne_year(
    year: int, stock: pd.DataFrame, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """stock: per commune DEPCOM, dwellings, qpv_share, p (mean poverty index)."""
    t = year - FIRST_YEAR
    totals = {
        "demandes": PENDING_2019 * (1 + PENDING_GROWTH) ** t * scale,
        "attributions": ALLOCATIONS_2019 * (1 + ALLOCATIONS_TREND) ** t * scale,
    }
    dwellings = stock["dwellings"].to_numpy(dtype=float)
    weights = {
        "demandes": dwellings**0.8 * (1 + stock["p"].to_numpy()),
        "attributions": dwellings * (1 + 0.5 * stock["p"].to_numpy()),
    }
    typologies, quartiles = list(SNE_TYPOLOGIE), list(SNE_QUARTILE)
    reservations = list(SNE_RESERVATAIRE)
    columns: dict[str, list[np.ndarray]] = {name: [] for name in SNE_COLUMNS}
    for indicator, total in totals.items():
        counts = rng.poisson(total * weights[indicator] / weights[indicator].sum())
        for i, commune in enumerate(stock["DEPCOM"]):
            if counts[i] == 0:
                continue
            qpv_share = float(stock["qpv_share"].iloc[i])
            # cells: typology x quartile x qpv x reservation x priority
            probs = np.einsum(
                "t,qv,v,r,rp->tqvrp",
                np.array(TYPOLOGY[indicator]),
                np.column_stack([QUARTILES[(indicator, 0)], QUARTILES[(indicator, 1)]]),
                np.array([1 - qpv_share, qpv_share]),
                np.array(RESERVATION),
                np.column_stack([1 - np.array(PRIORITY), PRIORITY]),
            )
            cells = rng.multinomial(counts[i], probs.ravel() / probs.sum()).reshape(probs.shape)
            t_i, q_i, v_i, r_i, p_i = np.nonzero(cells)
            number = cells[t_i, q_i, v_i, r_i, p_i]
            if indicator == "attributions":
                pressure = 1.0 + float(stock["p"].iloc[i]) * -0.3
                delay = (11 + 3 * t_i + 4 * (t_i == 4) - 4 * p_i) * pressure
                delay = np.round(np.clip(delay * rng.lognormal(0, 0.2, len(number)), 1, 96), 1)
                delay_text = np.char.mod("%.1f", delay)
            else:
                delay_text = np.full(len(number), "")
            values = {
                "DEPCOM": np.full(len(number), commune),
                "ANNEE": np.full(len(number), year),
                "INDICATEUR": np.full(len(number), indicator),
                "TYPOLOGIE": np.array(typologies)[t_i],
                "QUARTILE": np.array(quartiles)[q_i],
                "QPV": v_i,
                "RESERVATAIRE": np.array(reservations)[r_i],
                "PUBLIC_PRIORITAIRE": p_i,
                "NOMBRE": number,
                "DELAI_MEDIAN_MOIS": delay_text,
            }
            for name, array in values.items():
                columns[name].append(array)
    return pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
