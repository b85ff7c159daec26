"""Generate the demo raw directory (the layout of data/sources/README.md)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from data.demo import (
    bpe,
    census,
    filosofi,
    geography,
    gtfs,
    ops,
    poverty,
    qpv,
    rpls,
    sizing,
    sne,
    stock,
)
from data.demo.output import atomic_directory, write_csv
from data.demo.randomness import stream
from data.reference.extract import reference_name
from data.territory import Territory, record

RPLS_YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
OPS_YEARS = [2018, 2020, 2022, 2024]
SNE_YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
FILOSOFI_YEAR = 2021
BPE_YEAR = 2024
CENSUS_YEAR = 2021


def generate(
    out: Path,
    territory: Territory,
    seed: int,
    scale: float = 1.0,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Write the whole raw directory atomically; returns row counts per file."""
    if scale <= 0:
        raise ValueError(f"--scale must be positive, got {scale}")
    started = time.perf_counter()
    counts: dict[str, int] = {}

    def step(message: str) -> None:
        log(f"[{time.perf_counter() - started:6.1f} s] {message}")

    communes = geography.load_communes(territory)
    iris = geography.build_iris(communes, stream(seed, "iris"))
    iris["rate"] = poverty.iris_poverty(iris, stream(seed, "poverty"))
    iris["p"] = poverty.poverty_index(iris["rate"])
    qpv_layer, iris["qpv"] = qpv.build_qpv(iris, iris["rate"], stream(seed, "qpv"))
    step(f"geography: {len(communes)} communes, {len(iris)} IRIS, {len(qpv_layer)} QPV")

    commune_table = pd.DataFrame(communes.drop(columns="geometry"))
    commune_table["poverty"] = commune_table["code"].map(poverty.commune_poverty(iris))
    by_commune = sizing.social_dwellings(commune_table, scale)
    residences = stock.build_residences(
        iris, commune_table, by_commune, scale, RPLS_YEARS, stream(seed, "residences")
    )
    dwellings = rpls.build_dwellings(residences, RPLS_YEARS, stream(seed, "dwellings"))
    occupation = rpls.simulate_occupation(
        dwellings, residences, RPLS_YEARS, stream(seed, "occupation")
    )
    step(f"stock: {len(residences)} residences, {len(dwellings)} dwellings over all vintages")

    with atomic_directory(out) as work:
        geo = work / "geo"
        geo.mkdir()
        iris_out = iris[
            ["CODE_IRIS", "INSEE_COM", "NOM_COM", "IRIS", "NOM_IRIS", "TYP_IRIS", "geometry"]
        ]
        iris_out.to_file(geo / "iris.gpkg", layer="iris", driver="GPKG")
        qpv_layer.to_file(geo / "qpv.geojson", driver="GeoJSON")
        counts["iris"], counts["qpv"] = len(iris), len(qpv_layer)

        by_residence = rpls.residence_table(residences)
        rpls_rng, vacancy_rng = stream(seed, "rpls"), stream(seed, "vacancy")
        for year in RPLS_YEARS:
            table = rpls.rpls_vintage(
                year, dwellings, residences, by_residence, occupation[year], rpls_rng, vacancy_rng
            )
            write_csv(table, work / "rpls" / f"RPLS_{year}.csv")
            counts[f"RPLS_{year}"] = table.num_rows
        step("RPLS written: " + ", ".join(f"{y}: {counts[f'RPLS_{y}']}" for y in RPLS_YEARS))
        for year in OPS_YEARS:
            # The survey of 1 January 2018 uses the first RPLS vintage's dwellings.
            let = rpls.let_dwellings(dwellings, residences, occupation[max(year, RPLS_YEARS[0])])
            table = ops.ops_vintage(year, let, by_residence, seed)
            write_csv(table, work / "ops" / f"OPS_{year}.csv")
            counts[f"OPS_{year}"] = table.num_rows
        step("OPS written")

        sne_rng = stream(seed, "sne")
        commune_stock = _commune_stock(residences, dwellings, occupation[RPLS_YEARS[0]], iris)
        places = sne.allocation_places(
            _allocation_places(residences, dwellings, occupation[RPLS_YEARS[0]])
        )
        for year in SNE_YEARS:
            table = sne.sne_year(year, commune_stock, places, sne_rng)
            write_csv(table, work / "sne" / f"SNE_{year}.csv")
            counts[f"SNE_{year}"] = len(table)
        table = filosofi.filosofi_table(iris, FILOSOFI_YEAR, stream(seed, "filosofi"))
        write_csv(
            table, work / "filosofi" / f"BASE_TD_FILO_IRIS_{FILOSOFI_YEAR % 100:02d}_DISP.csv"
        )
        counts["filosofi"] = len(table)
        table = bpe.bpe_table(iris, BPE_YEAR, stream(seed, "bpe"))
        write_csv(table, work / "bpe" / f"BPE_{BPE_YEAR}.csv")
        counts["bpe"] = len(table)
        table = gtfs.stops_table(iris, stream(seed, "gtfs"))
        write_csv(table, work / "gtfs" / "stops.txt", sep=",")
        counts["stops"] = len(table)
        table = census.logement_table(communes, CENSUS_YEAR, stream(seed, "census"))
        write_csv(table, work / "recensement" / census.census_file_name(CENSUS_YEAR))
        counts["census"] = len(table)
        step("SNE, Filosofi, BPE, GTFS, census written")

        manifest = {
            "generator": "data.demo",
            "seed": seed,
            "territory": str(territory),
            "scale": scale,
            "vintages": {
                "rpls": RPLS_YEARS,
                "ops": OPS_YEARS,
                "sne": SNE_YEARS,
                "filosofi": [FILOSOFI_YEAR],
                "bpe": [BPE_YEAR],
                "census": [CENSUS_YEAR],
            },
            "row_counts": counts,
        }
        (work / "demo.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        record(work, territory, reference_name(territory))
        (work / ".complete").write_text("")
    step(f"done: {out}")
    return counts


def _commune_stock(
    residences: pd.DataFrame,
    dwellings: pd.DataFrame,
    occupation: tuple[np.ndarray, np.ndarray, np.ndarray],
    iris: pd.DataFrame,
) -> pd.DataFrame:
    """Per commune: social dwellings, share in QPV, mean poverty index (SNE weights)."""
    present = occupation[0]
    res_index = dwellings["residence"].to_numpy()[present]
    stock = pd.DataFrame(
        {
            "DEPCOM": residences["DEPCOM"].to_numpy()[res_index],
            "in_qpv": residences["QPV"].to_numpy()[res_index] != "",
        }
    ).groupby("DEPCOM")["in_qpv"]
    table = iris.groupby("INSEE_COM").agg(p=("p", "mean"))
    table["dwellings"] = stock.size().reindex(table.index).fillna(0).astype(np.int64)
    table["qpv_share"] = stock.mean().reindex(table.index).fillna(0.0)
    return table.rename_axis("DEPCOM").reset_index()


def _allocation_places(
    residences: pd.DataFrame,
    dwellings: pd.DataFrame,
    occupation: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """Per commune, QPV (code or '') and landlord: the dwellings allocations go to."""
    res_index = dwellings["residence"].to_numpy()[occupation[0]]
    frame = pd.DataFrame(
        {
            name: residences[name].to_numpy()[res_index]
            for name in ("DEPCOM", "QPV", "SIREN_BAILLEUR")
        }
    )
    return (
        frame.groupby(["DEPCOM", "QPV", "SIREN_BAILLEUR"]).size().rename("dwellings").reset_index()
    )
