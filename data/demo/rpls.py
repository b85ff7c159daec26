"""RPLS files: the dwellings of the demo stock, one file per vintage (1 January).

Static dwelling attributes are drawn once; occupation (MODE), leases (BAIL) and rents
evolve from vintage to vintage: vacancy is higher where poverty is high, a share of
households move out each year, rents follow a rent index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.demo.randomness import pick
from data.sources.codes import DPE_CLASSES, MODE_LET, RENT_NOT_APPLICABLE

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


def build_dwellings(
    residences: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> pd.DataFrame:
    """One row per dwelling with its static attributes and first/last vintage."""
    res_index = np.repeat(np.arange(len(residences)), residences["size"].to_numpy())
    n = len(res_index)
    res = residences.iloc[res_index].reset_index(drop=True)
    p = res["p"].to_numpy()
    construct = res["CONSTRUCT"].to_numpy()
    typeconst = res["TYPECONST"].to_numpy()

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
    rent_m2 = np.array([RENT_BY_FAMILY[f] for f in family]) if n else np.zeros(0)
    rent_m2 = rent_m2 + 0.5 * (construct >= 2010) + 0.6 * (1 - p) + 0.4 * (typeconst == "I")
    rent_m2 = rent_m2 * rng.normal(1.0, 0.05, n)
    conv = np.where(
        (finan == "53") | (finan == "14") | ((construct < 1977) & (rng.random(n) < 0.08)),
        "2",
        "1",
    )
    dpe = np.clip(res["dpe"].to_numpy() + (rng.random(n) < 0.15) * rng.choice([-1, 1], n), 0, 6)
    ghg = np.clip(dpe + rng.choice([-1, 0, 0, 1], n), 0, 6)
    first_year = res["first_year"].to_numpy()
    locat = np.minimum(construct + (rng.random(n) < 0.4), first_year - 1)
    sold = (typeconst == "I") & (rng.random(n) < SALE_RATE * (len(years) - 1))
    sale_year = rng.integers(years[0], years[-1], n)
    last_year = np.where(sold & (sale_year >= first_year), sale_year, res["last_year"])
    last_year = np.minimum(last_year, res["last_year"].to_numpy())
    return pd.DataFrame(
        {
            "residence": res_index,
            "IDENT_INT": np.char.zfill(np.arange(1, n + 1).astype(str), 10),
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
            "other_use": np.array(["", "4", "5"])[
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
    family = np.select(
        [construct < 1977, finan == "49", finan == "52", finan == "53", finan == "50"],
        ["old", "plai", "pls", "pli", "plus"],
        "pla",
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
        mode = np.full(n, MODE_LET, dtype=object)
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


def rpls_vintage(
    year: int,
    dwellings: pd.DataFrame,
    residences: pd.DataFrame,
    occupation: tuple[np.ndarray, np.ndarray, np.ndarray],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The RPLS file of one vintage, columns exactly as the raw format."""
    present, mode, bail = occupation
    d = dwellings[present]
    res = residences.iloc[d["residence"].to_numpy()].reset_index(drop=True)
    mode, bail = mode[present], bail[present]
    n = len(d)
    let = mode == MODE_LET
    jitter = np.clip(rng.normal(0.0, 4.0, (n, 2)), -10.0, 10.0)
    rent = np.round(
        d["rent_m2"].to_numpy() * d["SURFHAB"].to_numpy() * RENT_INDEX.get(year, 1.1), 2
    )
    renovated = res["renovation_year"].to_numpy() <= year
    classes = np.array(DPE_CLASSES)
    known = res["dpe_known"].to_numpy()
    energy = np.clip(d["dpe"].to_numpy() - 2 * renovated, 0, 6)
    ghg = np.clip(d["ghg"].to_numpy() - 2 * renovated, 0, 6)
    frame = pd.DataFrame(
        {
            "IDENT_INT": d["IDENT_INT"].to_numpy(),
            "DEPCOM": res["DEPCOM"],
            "LIBCOM": res["LIBCOM"],
            "CODEPOSTAL": res["CODEPOSTAL"],
            "NUMVOIE": res["NUMVOIE"],
            "INDREP": res["INDREP"],
            "TYPVOIE": res["TYPVOIE"],
            "NOMVOIE": res["NOMVOIE"],
            "PLG_IRIS": res["PLG_IRIS"],
            "QPV": res["QPV"],
            "X": np.round(res["x"].to_numpy() + jitter[:, 0], 1),
            "Y": np.round(res["y"].to_numpy() + jitter[:, 1], 1),
            "TYPECONST": res["TYPECONST"],
            "NBPIECE": d["NBPIECE"].to_numpy(),
            "SURFHAB": d["SURFHAB"].to_numpy(),
            "CONSTRUCT": res["CONSTRUCT"],
            "LOCAT": d["LOCAT"].to_numpy(),
            "ORIGINE": res["ORIGINE"],
            "FINAN": d["FINAN"].to_numpy(),
            "FINANAUTRE": "",
            "CONV": d["CONV"].to_numpy(),
            "MODE": mode,
            "BAIL": np.where(let, bail.astype(str), ""),
            "LOYERPRINC": np.where(let, np.char.mod("%.2f", rent), str(RENT_NOT_APPLICABLE)),
            "SURFMODE": d["SURFHAB"].to_numpy(),
            "DPEENERGIE": np.where(known, classes[energy], ""),
            "DPESERRE": np.where(known, classes[ghg], ""),
            "NOMPROG": res["NOMPROG"],
            "SIREN_BAILLEUR": res["SIREN_BAILLEUR"],
            "RS_BAILLEUR": res["RS_BAILLEUR"],
        }
    )
    return frame[list(RPLS_COLUMNS)]
