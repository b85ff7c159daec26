"""SNE infocentre extracts: pending applications and allocations, aggregated.

Totals in proportion to the territory's social stock, at the MEL's real order of
magnitude (for its 125 000 dwellings, about 55 000 pending applications and 9 000
allocations in 2024, demand rising, allocations slowly falling), split by commune after
its stock, with a higher pressure in Lille and the south-east suburbs, then by
typology, income quartile, QPV, reservation holder and priority public. An allocation
names the landlord and QPV of its dwelling (drawn after the commune's stock); a pending
application its main reason and age. Zero cells are not listed, as in the real extracts.
The first-quartile share of allocations outside QPV stays well below 25 %, as the URH
Hauts-de-France reported for every EPCI of the region in 2024, and differs by
reservation holder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.sources.codes import (
    SNE_ANCIENNETE,
    SNE_MOTIF,
    SNE_QUARTILE,
    SNE_RESERVATAIRE,
    SNE_TYPOLOGIE,
)

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
    "SIREN_BAILLEUR",
    "CODE_QPV",
    "MOTIF",
    "ANCIENNETE_MOIS",
)
FIRST_YEAR = 2019
# Pending applications and allocations of 2019 per social dwelling of the first vintage.
PENDING_2019, PENDING_GROWTH = 0.39, 0.025
ALLOCATIONS_2019, ALLOCATIONS_TREND = 0.079, -0.018
TYPOLOGY = {
    "demandes": [0.18, 0.33, 0.29, 0.15, 0.05],
    "attributions": [0.09, 0.26, 0.36, 0.23, 0.06],
}
# Quartile shares outside / inside QPV (columns Q1..Q4, NR).
QUARTILES = {
    ("demandes", 0): [0.40, 0.24, 0.18, 0.13, 0.05],
    ("demandes", 1): [0.48, 0.23, 0.15, 0.09, 0.05],
    ("attributions", 0): [0.16, 0.33, 0.28, 0.19, 0.04],
    ("attributions", 1): [0.42, 0.28, 0.16, 0.10, 0.04],
}
RESERVATION = [0.28, 0.30, 0.14, 0.28]  # etat, action_logement, collectivites, bailleur
# How much more (or less) often each reservation holder allocates to the first quartile.
FIRST_QUARTILE_BY_HOLDER = [1.6, 0.55, 0.9, 0.95]
PRIORITY = [0.62, 0.16, 0.24, 0.21]  # share of priority publics by reservation holder
# Demand per dwelling above the average: Lille and its south-east suburbs.
DEMAND_PULL = {
    "59350": 1.7,  # Lille
    "59009": 1.4,  # Villeneuve-d'Ascq
    "59343": 1.4,  # Lezennes
    "59507": 1.4,  # Ronchin
    "59220": 1.4,  # Faches-Thumesnil
    "59328": 1.4,  # Lesquin
    "59648": 1.3,  # Wattignies
    "59585": 1.3,  # Templemars
    "59611": 1.3,  # Vendeville
    "59524": 1.3,  # Sainghin-en-Mélantois
}
MOTIF = [0.10, 0.38, 0.06, 0.17, 0.09, 0.08, 0.04, 0.08]
ANCIENNETE = [0.42, 0.24, 0.13, 0.21]


def quartile_probabilities(indicator: str) -> np.ndarray:
    """Shares of the quartiles (q) by QPV flag (v) and reservation holder (r): q x v x r."""
    table = np.zeros((len(SNE_QUARTILE), 2, len(RESERVATION)))
    for v in (0, 1):
        base = np.array(QUARTILES[(indicator, v)])
        for r, factor in enumerate(FIRST_QUARTILE_BY_HOLDER):
            shares = base.copy()
            if indicator == "attributions":
                shares[0] *= factor
            table[:, v, r] = shares / shares.sum()
    return table


def sne_year(
    year: int,
    stock: pd.DataFrame,
    places: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """stock: per commune DEPCOM, dwellings, qpv_share, p (mean poverty index); places:
    DEPCOM, QPV (code or ''), SIREN_BAILLEUR, dwellings (where allocations happen)."""
    t = year - FIRST_YEAR
    dwellings = stock["dwellings"].to_numpy(dtype=float)
    totals = {
        "demandes": PENDING_2019 * (1 + PENDING_GROWTH) ** t * dwellings.sum(),
        "attributions": ALLOCATIONS_2019 * (1 + ALLOCATIONS_TREND) ** t * dwellings.sum(),
    }
    poverty = stock["p"].to_numpy()
    pull = stock["DEPCOM"].map(DEMAND_PULL).fillna(1.0).to_numpy()
    weights = {
        "demandes": dwellings * (1 + 0.3 * poverty) * pull,
        "attributions": dwellings * (1 + 0.5 * poverty),
    }
    typologies, quartiles = list(SNE_TYPOLOGIE), list(SNE_QUARTILE)
    reservations = list(SNE_RESERVATAIRE)
    places_of = {code: group for code, group in places.groupby("DEPCOM")}
    frames = []
    for indicator, total in totals.items():
        counts = rng.poisson(total * weights[indicator] / weights[indicator].sum())
        quartile_table = quartile_probabilities(indicator)
        for i, commune in enumerate(stock["DEPCOM"]):
            if counts[i] == 0:
                continue
            qpv_share = float(stock["qpv_share"].iloc[i])
            # cells: typology x quartile x qpv x reservation x priority
            probs = np.einsum(
                "t,qvr,v,r,rp->tqvrp",
                np.array(TYPOLOGY[indicator]),
                quartile_table,
                np.array([1 - qpv_share, qpv_share]),
                np.array(RESERVATION),
                np.column_stack([1 - np.array(PRIORITY), PRIORITY]),
            )
            cells = rng.multinomial(counts[i], probs.ravel() / probs.sum()).reshape(probs.shape)
            t_i, q_i, v_i, r_i, p_i = np.nonzero(cells)
            frame = pd.DataFrame(
                {
                    "DEPCOM": commune,
                    "ANNEE": year,
                    "INDICATEUR": indicator,
                    "TYPOLOGIE": np.array(typologies)[t_i],
                    "QUARTILE": np.array(quartiles)[q_i],
                    "QPV": v_i,
                    "RESERVATAIRE": np.array(reservations)[r_i],
                    "PUBLIC_PRIORITAIRE": p_i,
                    "NOMBRE": cells[t_i, q_i, v_i, r_i, p_i],
                }
            )
            if indicator == "attributions":
                pressure = 1.0 + float(stock["p"].iloc[i]) * -0.3
                delay = (11 + 3 * t_i + 4 * (t_i == 4) - 4 * p_i) * pressure
                delay = np.round(np.clip(delay * rng.lognormal(0, 0.2, len(frame)), 1, 96), 1)
                frame["DELAI_MEDIAN_MOIS"] = np.char.mod("%.1f", delay)
                frame = _split_by_dwelling(frame, places_of.get(commune), rng)
            else:
                frame["DELAI_MEDIAN_MOIS"] = ""
                frame = _split_by_application(frame, rng)
            frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table.reindex(columns=list(SNE_COLUMNS)).fillna("")


def _split(
    frame: pd.DataFrame, labels: list[dict[str, str]], probs: list[np.ndarray], rng
) -> pd.DataFrame:
    """Each row's NOMBRE spread over `labels` (columns to set) with its row of `probs`."""
    rows = []
    for row, p in zip(frame.to_dict("records"), probs, strict=True):
        parts = rng.multinomial(row["NOMBRE"], p)
        for index in np.nonzero(parts)[0]:
            rows.append({**row, **labels[index], "NOMBRE": int(parts[index])})
    return pd.DataFrame(rows)


def _split_by_application(frame: pd.DataFrame, rng) -> pd.DataFrame:
    labels = [
        {"MOTIF": motif, "ANCIENNETE_MOIS": age} for motif in SNE_MOTIF for age in SNE_ANCIENNETE
    ]
    probs = np.outer(MOTIF, ANCIENNETE).ravel()
    return _split(frame, labels, [probs / probs.sum()] * len(frame), rng)


def _split_by_dwelling(frame: pd.DataFrame, places: pd.DataFrame | None, rng) -> pd.DataFrame:
    """The landlord and QPV of each allocated dwelling, after the commune's stock."""
    if places is None or places.empty:
        return frame
    labels = [
        {"SIREN_BAILLEUR": siren, "CODE_QPV": qpv}
        for siren, qpv in zip(places["SIREN_BAILLEUR"], places["QPV"], strict=True)
    ]
    weight = places["dwellings"].to_numpy(dtype=float)
    inside = (places["QPV"] != "").to_numpy()
    by_flag = {}
    for flag, mask in ((0, ~inside), (1, inside)):
        chosen = np.where(mask, weight, 0.0)
        if chosen.sum() == 0:  # no dwelling of that side: a landlord, no QPV code
            chosen = np.where(~inside, 1.0, 0.0) if flag else weight
            chosen = chosen if chosen.sum() else np.ones(len(weight))
        by_flag[flag] = chosen / chosen.sum()
    split = _split(frame, labels, [by_flag[int(v)] for v in frame["QPV"]], rng)
    # a QPV cell the commune's stock cannot place keeps its flag without a code
    split.loc[split["QPV"] == 0, "CODE_QPV"] = ""
    return split
