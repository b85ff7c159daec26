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

# Per commune: (landlord, QPV code) of each place and its chances outside / inside a QPV.
AllocationPlaces = dict[str, tuple[np.ndarray, np.ndarray]]


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
    places: AllocationPlaces,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """stock: per commune DEPCOM, dwellings, qpv_share, p (mean poverty index); places:
    where allocations happen (allocation_places).

    Draws commune by commune in a fixed order (cells, delays, then the split of each
    cell), each step one numpy call; the rows are gathered as arrays and framed once.
    """
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
    communes = stock["DEPCOM"].to_numpy()
    qpv_share = stock["qpv_share"].to_numpy(dtype=float)
    blocks: list[dict[str, np.ndarray]] = []
    for indicator, total in totals.items():
        counts = rng.poisson(total * weights[indicator] / weights[indicator].sum())
        # cells: commune x typology x quartile x qpv x reservation x priority
        probs = np.einsum(
            "t,qvr,cv,r,rp->ctqvrp",
            np.array(TYPOLOGY[indicator]),
            quartile_probabilities(indicator),
            np.column_stack([1 - qpv_share, qpv_share]),
            np.array(RESERVATION),
            np.column_stack([1 - np.array(PRIORITY), PRIORITY]),
        )
        for i in np.flatnonzero(counts):
            cell_probs = probs[i].ravel()
            cells = rng.multinomial(counts[i], cell_probs / cell_probs.sum())
            cells = cells.reshape(probs.shape[1:])
            t_i, q_i, v_i, r_i, p_i = np.nonzero(cells)
            block = {
                "commune": np.full(len(t_i), i),
                "indicator": np.full(len(t_i), indicator == "attributions"),
                "t": t_i,
                "q": q_i,
                "v": v_i,
                "r": r_i,
                "p": p_i,
                "NOMBRE": cells[t_i, q_i, v_i, r_i, p_i],
            }
            if indicator == "attributions":
                pressure = 1.0 + float(poverty[i]) * -0.3
                delay = (11 + 3 * t_i + 4 * (t_i == 4) - 4 * p_i) * pressure
                delay = np.round(np.clip(delay * rng.lognormal(0, 0.2, len(t_i)), 1, 96), 1)
                block["DELAI_MEDIAN_MOIS"] = np.char.mod("%.1f", delay).astype(object)
                block = _split_by_dwelling(block, places.get(communes[i]), rng)
            else:
                block["DELAI_MEDIAN_MOIS"] = np.full(len(t_i), "", dtype=object)
                block = _split_by_application(block, rng)
            blocks.append(block)
    return _sne_frame(blocks, communes, year)


def _sne_frame(
    blocks: list[dict[str, np.ndarray]], communes: np.ndarray, year: int
) -> pd.DataFrame:
    """The rows of every block, in order, with the extract's codes and columns."""
    column = {name: np.concatenate([block[name] for block in blocks]) for name in blocks[0]}
    attribution = column["indicator"]
    return pd.DataFrame(
        {
            "DEPCOM": communes[column["commune"]],
            "ANNEE": year,
            "INDICATEUR": np.where(attribution, "attributions", "demandes").astype(object),
            "TYPOLOGIE": np.array(SNE_TYPOLOGIE, dtype=object)[column["t"]],
            "QUARTILE": np.array(list(SNE_QUARTILE), dtype=object)[column["q"]],
            "QPV": column["v"],
            "RESERVATAIRE": np.array(list(SNE_RESERVATAIRE), dtype=object)[column["r"]],
            "PUBLIC_PRIORITAIRE": column["p"],
            "NOMBRE": column["NOMBRE"],
            "DELAI_MEDIAN_MOIS": column["DELAI_MEDIAN_MOIS"],
            "SIREN_BAILLEUR": column["SIREN_BAILLEUR"],
            "CODE_QPV": column["CODE_QPV"],
            "MOTIF": column["MOTIF"],
            "ANCIENNETE_MOIS": column["ANCIENNETE_MOIS"],
        },
        columns=list(SNE_COLUMNS),
    )


def _split(
    block: dict[str, np.ndarray], probs: np.ndarray, rng: np.random.Generator
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each row's NOMBRE spread over the labels with its row of `probs` (one draw per row,
    in row order); returns the rows repeated per non-zero part and each part's label."""
    parts = rng.multinomial(block["NOMBRE"], probs)
    row, label = np.nonzero(parts)
    split = {name: values[row] for name, values in block.items()}
    split["NOMBRE"] = parts[row, label]
    return split, label


def _split_by_application(
    block: dict[str, np.ndarray], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """The main reason and age of each pending application."""
    probs = np.outer(MOTIF, ANCIENNETE).ravel()
    split, label = _split(block, probs / probs.sum(), rng)
    motifs = np.array(list(SNE_MOTIF), dtype=object)
    ages = np.array(list(SNE_ANCIENNETE), dtype=object)
    split["MOTIF"] = motifs[label // len(ages)]
    split["ANCIENNETE_MOIS"] = ages[label % len(ages)]
    split["SIREN_BAILLEUR"] = split["CODE_QPV"] = np.full(len(label), "", dtype=object)
    return split


def allocation_places(places: pd.DataFrame) -> AllocationPlaces:
    """places: DEPCOM, QPV (code or ''), SIREN_BAILLEUR, dwellings. Per commune: landlord
    and QPV code of each place, and the chances of a place outside (row 0) and inside
    (row 1) a QPV; computed once for every year, on numpy slices of the sorted places."""
    ordered = places.sort_values("DEPCOM", kind="stable")
    codes = ordered["DEPCOM"].to_numpy()
    weights = ordered["dwellings"].to_numpy(dtype=float)
    inside_all = (ordered["QPV"] != "").to_numpy()
    labels_all = ordered[["SIREN_BAILLEUR", "QPV"]].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    result = {}
    for start, end in zip(starts, np.r_[starts[1:], len(codes)], strict=True):
        weight, inside = weights[start:end], inside_all[start:end]
        by_flag = []
        for flag, mask in ((0, ~inside), (1, inside)):
            chosen = np.where(mask, weight, 0.0)
            if chosen.sum() == 0:  # no dwelling of that side: a landlord, no QPV code
                chosen = np.where(~inside, 1.0, 0.0) if flag else weight
                chosen = chosen if chosen.sum() else np.ones(len(weight))
            by_flag.append(chosen / chosen.sum())
        result[codes[start]] = (labels_all[start:end], np.array(by_flag))
    return result


def _split_by_dwelling(
    block: dict[str, np.ndarray],
    places: tuple[np.ndarray, np.ndarray] | None,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """The landlord and QPV of each allocated dwelling, after the commune's stock."""
    empty = np.full(len(block["NOMBRE"]), "", dtype=object)
    block["MOTIF"] = block["ANCIENNETE_MOIS"] = empty
    if places is None:
        block["SIREN_BAILLEUR"] = block["CODE_QPV"] = empty
        return block
    labels, by_flag = places
    split, label = _split(block, by_flag[block["v"]], rng)
    split["SIREN_BAILLEUR"] = labels[label, 0]
    # a QPV cell the commune's stock cannot place keeps its flag without a code
    split["CODE_QPV"] = np.where(split["v"] == 0, "", labels[label, 1]).astype(object)
    return split
