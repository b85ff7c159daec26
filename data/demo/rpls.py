"""RPLS files: the dwellings of the demo stock, one file per vintage (1 January).

Static dwelling attributes are drawn once; occupation (MODE), leases (BAIL) and rents
evolve from vintage to vintage: vacancy is higher where poverty is high, a share of
households move out each year, rents follow a rent index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.demo.randomness import hash_uniform, pick
from data.sources.codes import DPE_CLASSES, MODE_LET, MODE_VACANT, RENT_NOT_APPLICABLE

RPLS_COLUMNS = (
    "IDENT_INT",
    "DEPCOM",
    "LIBCOM",
    "CODEPOSTAL",
    "NUMVOIE",
    "INDREP",
    "TYPVOIE",
    "NOMVOIE",
    "PLG_IRIS",
    "QPV",
    "X",
    "Y",
    "TYPECONST",
    "NBPIECE",
    "SURFHAB",
    "CONSTRUCT",
    "LOCAT",
    "ORIGINE",
    "FINAN",
    "FINANAUTRE",
    "CONV",
    "MODE",
    "BAIL",
    "REMLOCDATE",
    "LOYERPRINC",
    "SURFMODE",
    "DPEENERGIE",
    "DPESERRE",
    "NOMPROG",
    "SIREN_BAILLEUR",
    "RS_BAILLEUR",
)
RENT_INDEX = {2019: 1.0, 2020: 1.015, 2021: 1.022, 2022: 1.03, 2023: 1.065, 2024: 1.10}
SURFACE_BY_ROOMS = np.array([0.0, 31.0, 48.0, 66.0, 80.0, 94.0, 108.0])
SALE_RATE = 0.012  # individual dwellings sold per year
RENT_BY_FAMILY = {"old": 5.1, "pla": 5.8, "plus": 6.1, "plai": 5.5, "pls": 8.3, "pli": 9.2}
# Months a vacant dwelling has been offered for rent on 1 January: geometric, longer where
# poverty is high (about 2 months on average in affluent areas, 5 in the poorest).
VACANCY_END_CHANCE = (0.35, 0.2)  # monthly chance of being let at p = 0, decrease at p = 1
MAX_VACANCY_MONTHS = 60
LEASE_MONTH_SALT = 12


def build_dwellings(
    residences: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> pd.DataFrame:
    """One row per dwelling with its static attributes and first/last vintage."""
    res_index = np.repeat(np.arange(len(residences)), residences["size"].to_numpy())
    n = len(res_index)
    p = residences["p"].to_numpy()[res_index]
    construct = residences["CONSTRUCT"].to_numpy()[res_index]
    typeconst = residences["TYPECONST"].to_numpy()[res_index]

    collective = np.array([0.08, 0.22, 0.36, 0.25, 0.07, 0.02])
    poor_shift = np.array([-0.03, -0.05, 0.0, 0.05, 0.03, 0.0])
    rooms_probs = np.clip(collective + p[:, None] * poor_shift, 0.001, None)
    rooms_probs[construct >= 2000] += np.array([0.03, 0.06, 0.0, -0.05, -0.03, -0.01])
    rooms_probs[typeconst == "I"] = [0.0, 0.03, 0.25, 0.45, 0.22, 0.05]
    rooms_probs[typeconst == "E"] = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    rooms = pick(rng, np.clip(rooms_probs, 0.0, None)) + 1
    older = np.where(construct < 1977, 1.06, 1.0)
    surface = np.round(SURFACE_BY_ROOMS[rooms] * older * rng.normal(1.0, 0.07, n), 1)

    finan, family = _financing(construct, p, res_index, rng)
    rent_m2 = np.array(list(RENT_BY_FAMILY.values()))[family]
    rent_m2 = rent_m2 + 0.5 * (construct >= 2010) + 0.6 * (1 - p) + 0.4 * (typeconst == "I")
    rent_m2 = rent_m2 * rng.normal(1.0, 0.05, n)
    conv = np.where(
        (finan == "53") | (finan == "14") | ((construct < 1977) & (rng.random(n) < 0.08)),
        "2",
        "1",
    )
    dpe = np.clip(
        residences["dpe"].to_numpy()[res_index] + (rng.random(n) < 0.15) * rng.choice([-1, 1], n),
        0,
        6,
    )
    ghg = np.clip(dpe + rng.choice([-1, 0, 0, 1], n), 0, 6)
    first_year = residences["first_year"].to_numpy()[res_index]
    res_last = residences["last_year"].to_numpy()[res_index]
    locat = np.minimum(construct + (rng.random(n) < 0.4), first_year - 1)
    sold = (typeconst == "I") & (rng.random(n) < SALE_RATE * (len(years) - 1))
    sale_year = rng.integers(years[0], years[-1], n)
    last_year = np.minimum(
        np.where(sold & (sale_year >= first_year), sale_year, res_last), res_last
    )
    return pd.DataFrame(
        {
            "residence": res_index,
            "ident": np.arange(1, n + 1),
            "NBPIECE": rooms,
            "SURFHAB": surface,
            "LOCAT": locat,
            "FINAN": finan,
            "CONV": conv,
            "rent_m2": rent_m2,
            "dpe": dpe,
            "ghg": ghg,
            "first_year": first_year,
            "last_year": last_year,
            "mobility": 0.03 + 0.025 * p + 0.02 * (rooms <= 2),
            "other_use": np.array(["", "4", "5"], dtype="<U1")[
                pick(rng, np.tile([0.985, 0.011, 0.004], (n, 1)))
            ],
            "vacancy": 0.01 + 0.05 * p,
        }
    )


def _financing(
    construct: np.ndarray, p: np.ndarray, res_index: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """FINAN code and rent family: by period, PLAI in poor areas, PLS/PLI in affluent."""
    n = len(construct)
    # Before 1977 and until 1999 one financing per residence; mixed programmes after.
    res_draw = rng.random(res_index.max() + 1 if n else 0)[res_index]
    old_codes = np.where(
        construct < 1949,
        "10",
        np.select([res_draw < 0.6, res_draw < 0.75, res_draw < 0.9], ["12", "11", "13"], "14"),
    )
    mid_codes = np.select(
        [res_draw < 0.78, res_draw < 0.9, res_draw < 0.95], ["51", "55", "53"], "99"
    )
    plai = 0.15 + 0.2 * p
    pls = 0.28 * (1 - p)
    pli = 0.05 * (1 - p)
    recent = pick(rng, np.column_stack([plai, 1 - plai - pls - pli, pls, pli]))
    recent_codes = np.array(["49", "50", "52", "53"])[recent]
    finan = np.where(
        construct < 1977, old_codes, np.where(construct < 2000, mid_codes, recent_codes)
    )
    # Index into RENT_BY_FAMILY (old, pla, plus, plai, pls, pli).
    family = np.select(
        [construct < 1977, finan == "49", finan == "52", finan == "53", finan == "50"],
        [0, 3, 4, 5, 2],
        1,
    )
    return finan, family


def simulate_occupation(
    dwellings: pd.DataFrame, residences: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per vintage: (present mask, MODE, BAIL) for every dwelling, leases chained."""
    n = len(dwellings)
    first, last = dwellings["first_year"].to_numpy(), dwellings["last_year"].to_numpy()
    res_last = residences["last_year"].to_numpy()[dwellings["residence"].to_numpy()]
    typeconst = residences["TYPECONST"].to_numpy()[dwellings["residence"].to_numpy()]
    mobility, vacancy = dwellings["mobility"].to_numpy(), dwellings["vacancy"].to_numpy()
    locat = dwellings["LOCAT"].to_numpy()
    other_use = dwellings["other_use"].to_numpy()
    tenure = rng.geometric(mobility + vacancy)
    bail = np.maximum(years[0] - tenure, locat)
    previous_let = np.zeros(n, dtype=bool)
    result = {}
    for year in years:
        present = (first <= year) & (last >= year)
        draw = rng.random(n)
        mode = np.full(n, MODE_LET, dtype="<U1")
        mode[draw < vacancy] = "2"
        mode[(draw >= vacancy) & (draw < vacancy + 0.004)] = "3"
        mode[other_use != ""] = other_use[other_use != ""]
        student = typeconst == "E"
        mode[student & (rng.random(n) < 0.7)] = "4"
        emptied = (res_last == year) & (year < years[-1]) & (rng.random(n) < 0.7)
        mode[emptied] = "3"
        let = present & (mode == MODE_LET)
        moved = rng.random(n) < mobility
        new_lease = let & (year > years[0]) & (moved | ~previous_let | (first == year))
        bail = np.where(new_lease, year - 1, bail)
        result[year] = (present, mode, bail.copy())
        previous_let = let
    return result


RESIDENCE_COLUMNS = (
    "DEPCOM", "LIBCOM", "CODEPOSTAL", "NUMVOIE", "INDREP", "TYPVOIE", "NOMVOIE", "PLG_IRIS",
    "QPV", "TYPECONST", "CONSTRUCT", "ORIGINE", "NOMPROG", "SIREN_BAILLEUR", "RS_BAILLEUR",
)  # fmt: skip


def residence_table(residences: pd.DataFrame) -> pa.Table:
    """The residence-level RPLS columns as an Arrow table, to gather per dwelling."""
    return pa.Table.from_pandas(residences[list(RESIDENCE_COLUMNS)], preserve_index=False)


def ident_text(ident: np.ndarray) -> pa.Array:
    """IDENT_INT as written in the files: 10 digits with leading zeros."""
    return pc.utf8_lpad(pa.array(ident).cast(pa.string()), 10, "0")


def rpls_vintage(
    year: int,
    dwellings: pd.DataFrame,
    residences: pd.DataFrame,
    by_residence: pa.Table,
    occupation: tuple[np.ndarray, np.ndarray, np.ndarray],
    rng: np.random.Generator,
    vacancy_rng: np.random.Generator,
) -> pa.Table:
    """The RPLS file of one vintage, columns exactly as the raw format."""
    present, mode, bail = occupation
    rows = np.flatnonzero(present)
    res_index = dwellings["residence"].to_numpy()[rows]
    gathered = by_residence.take(pa.array(res_index))
    mode, bail = mode[rows], bail[rows]
    n = len(rows)
    let = mode == MODE_LET
    jitter = np.clip(rng.normal(0.0, 4.0, (n, 2)), -10.0, 10.0)
    surface = dwellings["SURFHAB"].to_numpy()[rows]
    index = RENT_INDEX.get(year, max(RENT_INDEX.values()))
    rent = np.round(dwellings["rent_m2"].to_numpy()[rows] * surface * index, 2)
    renovated = residences["renovation_year"].to_numpy()[res_index] <= year
    known = residences["dpe_known"].to_numpy()[res_index]
    classes = np.array(DPE_CLASSES)
    energy = np.clip(dwellings["dpe"].to_numpy()[rows] - 2 * renovated, 0, 6)
    ghg = np.clip(dwellings["ghg"].to_numpy()[rows] - 2 * renovated, 0, 6)
    computed = {
        "IDENT_INT": ident_text(dwellings["ident"].to_numpy()[rows]),
        "X": np.round(residences["x"].to_numpy()[res_index] + jitter[:, 0], 1),
        "Y": np.round(residences["y"].to_numpy()[res_index] + jitter[:, 1], 1),
        "NBPIECE": dwellings["NBPIECE"].to_numpy()[rows],
        "SURFHAB": surface,
        "LOCAT": dwellings["LOCAT"].to_numpy()[rows],
        "FINAN": dwellings["FINAN"].to_numpy()[rows],
        "FINANAUTRE": pa.nulls(n, pa.string()),
        "CONV": dwellings["CONV"].to_numpy()[rows],
        "MODE": mode,
        "BAIL": lease_month(dwellings["ident"].to_numpy()[rows], bail, let),
        "REMLOCDATE": vacancy_start(
            year, mode == MODE_VACANT, residences["p"].to_numpy()[res_index], vacancy_rng
        ),
        "LOYERPRINC": np.where(let, rent, float(RENT_NOT_APPLICABLE)),
        "SURFMODE": surface,
        "DPEENERGIE": pa.array(classes[energy], mask=~known),
        "DPESERRE": pa.array(classes[ghg], mask=~known),
    }
    columns = [
        computed[name] if name in computed else gathered.column(name) for name in RPLS_COLUMNS
    ]
    return pa.table(columns, names=list(RPLS_COLUMNS))


def month_text(month_index: np.ndarray, shown: np.ndarray) -> pa.Array:
    """`MM/AAAA` of month indexes (January of year y = 12 * y), empty where not `shown`."""
    months, position = np.unique(month_index, return_inverse=True)
    text = np.array([f"{i % 12 + 1:02d}/{i // 12}" for i in months], dtype=object)
    return pa.array(text[position], mask=~shown)


def lease_month(ident: np.ndarray, bail: np.ndarray, let: np.ndarray) -> pa.Array:
    """BAIL as the SDES files give it, `MM/AAAA`: the month of one lease stays the same in
    every vintage (it depends only on the dwelling and the year the lease began)."""
    keys = ident.astype(np.int64) * 4096 + bail.astype(np.int64)
    month = (hash_uniform(keys, LEASE_MONTH_SALT) * 12).astype(np.int64)
    return month_text(bail.astype(np.int64) * 12 + month, let)


def vacancy_start(
    year: int, vacant: np.ndarray, p: np.ndarray, rng: np.random.Generator
) -> pa.Array:
    """REMLOCDATE (MM/AAAA, the month since which the dwelling is offered for rent) of
    the vacant dwellings; empty for the others."""
    chance = VACANCY_END_CHANCE[0] - VACANCY_END_CHANCE[1] * p
    months = np.minimum(rng.geometric(chance) - 1, MAX_VACANCY_MONTHS)
    return month_text(year * 12 - months, vacant)


def let_dwellings(
    dwellings: pd.DataFrame,
    residences: pd.DataFrame,
    occupation: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """The let dwellings of a vintage with what the OPS generator needs."""
    present, mode, bail = occupation
    rows = np.flatnonzero(present & (mode == MODE_LET))
    res_index = dwellings["residence"].to_numpy()[rows]
    return pd.DataFrame(
        {
            "ident": dwellings["ident"].to_numpy()[rows],
            "residence": res_index,
            "p": residences["p"].to_numpy()[res_index],
            "NBPIECE": dwellings["NBPIECE"].to_numpy()[rows],
            "CONSTRUCT": residences["CONSTRUCT"].to_numpy()[res_index],
            "BAIL": bail[rows],
        }
    )
