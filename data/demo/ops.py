"""OPS files: one household per let dwelling, its traits following the IRIS poverty.

Traits fixed at move-in (composition, children, age at entry) are drawn from a hash of
(dwelling, move-in year), so the same household looks the same in two surveys and ages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from data.demo.randomness import hash_uniform
from data.demo.rpls import ident_text

OPS_COLUMNS = (
    "SIREN_BAILLEUR",
    "IDENT_INT",
    "DEPCOM",
    "COMPO",
    "NB_ENFANTS",
    "NB_OCCUPANTS",
    "AGE_TITULAIRE",
    "TRANCHE_REVENU",
    "APL",
    "NB_ADULTES",
    "NB_ADULTES_EMPLOI",
    "ANNEE_ENTREE",
)


def _category(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def ops_vintage(year: int, let: pd.DataFrame, by_residence: pa.Table, seed: int) -> pa.Table:
    """Households of let dwellings (`rpls.let_dwellings`), surveyed on 1 January of year."""
    n = len(let)
    p = let["p"].to_numpy()
    rooms = let["NBPIECE"].to_numpy()
    old_stock = (let["CONSTRUCT"].to_numpy() < 1977).astype(float)
    entry = np.minimum(let["BAIL"].to_numpy(), year - 1)
    key = let["ident"].to_numpy().astype(np.int64) * 256 + (entry - 1900)
    u = [hash_uniform(key, seed * 100 + k) for k in range(8)]

    single = np.clip(0.55 - 0.09 * rooms + 0.1 * old_stock, 0.05, 0.9)
    single = np.where(rooms == 1, 0.9, single)
    parent = np.clip(0.12 + 0.14 * p + 0.02 * rooms, 0.02, 0.45)
    couple_kids = np.clip(0.06 + 0.05 * rooms - 0.04 * p, 0.02, 0.4)
    couple = np.full(n, 0.14)
    other = np.full(n, 0.05)
    compo = _category(u[0], np.column_stack([single, couple, couple_kids, parent, other])) + 1
    with_kids = (compo == 3) | (compo == 4)
    extra = np.floor(-np.log1p(-u[1]) * (0.4 + 0.25 * np.maximum(rooms - 2, 0) + 0.4 * p))
    children = np.where(
        with_kids, 1 + np.minimum(extra, 6), np.where(compo == 5, np.floor(u[1] * 2.2), 0)
    )
    adults = np.select([compo == 1, compo == 4, compo == 5], [1, 1, 2 + (u[2] < 0.3)], 2)
    age_at_entry = np.select(
        [compo == 1, compo == 2, compo == 5],
        [22 + u[3] * 50 + 8 * old_stock, 30 + u[3] * 45, 25 + u[3] * 40],
        24 + u[3] * 22,
    )
    age = np.minimum(np.round(age_at_entry + (year - entry)), 99).astype(int)

    poor = np.array([0.30, 0.26, 0.20, 0.17, 0.04, 0.03])
    rich = np.array([0.10, 0.15, 0.21, 0.34, 0.17, 0.03])
    band_probs = rich[None, :] + p[:, None] * (poor - rich)[None, :]
    band = _category(hash_uniform(key, seed * 100 + year), band_probs)
    band_code = np.array(["1", "2", "3", "4", "5", "9"])[band]
    apl_rate = np.array([0.85, 0.7, 0.45, 0.15, 0.02, 0.4])[band]
    apl = (hash_uniform(key, seed * 100 + year + 50) < apl_rate).astype(int)
    employment = np.array([0.12, 0.38, 0.62, 0.8, 0.88, 0.55])[band] * (age < 62)
    employed = (u[5] < employment).astype(int) + ((adults >= 2) & (u[6] < employment * 0.8))
    employed = np.minimum(employed, adults)
    gathered = by_residence.take(pa.array(let["residence"].to_numpy()))
    columns = {
        "SIREN_BAILLEUR": gathered.column("SIREN_BAILLEUR"),
        "IDENT_INT": ident_text(let["ident"].to_numpy()),
        "DEPCOM": gathered.column("DEPCOM"),
        "COMPO": compo.astype(str),
        "NB_ENFANTS": children.astype(int),
        "NB_OCCUPANTS": (adults + children).astype(int),
        "AGE_TITULAIRE": age,
        "TRANCHE_REVENU": band_code,
        "APL": apl,
        "NB_ADULTES": adults.astype(int),
        "NB_ADULTES_EMPLOI": employed.astype(int),
        "ANNEE_ENTREE": entry,
    }
    return pa.table([columns[name] for name in OPS_COLUMNS], names=list(OPS_COLUMNS))
