"""Generate the demo raw directory (the layout of data/sources/README.md)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from data.demo import bpe, filosofi, geography, gtfs, ops, poverty, qpv, rpls, sne, stock
from data.demo.output import atomic_directory, write_csv
from data.demo.randomness import stream

RPLS_YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
OPS_YEARS = [2018, 2020, 2022, 2024]
SNE_YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
FILOSOFI_YEAR = 2021
BPE_YEAR = 2024


def generate(
    out: Path, epci: str, seed: int, scale: float = 1.0, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Write the whole raw directory atomically; returns row counts per file."""
    if scale <= 0:
        raise ValueError(f"--scale must be positive, got {scale}")
    started = time.perf_counter()
    counts: dict[str, int] = {}

    def step(message: str) -> None:
        log(f"[{time.perf_counter() - started:6.1f} s] {message}")

    communes = geography.load_communes(epci)
    iris = geography.build_iris(communes, stream(seed, "iris"))
    iris["rate"] = poverty.iris_poverty(iris, stream(seed, "poverty"))
    iris["p"] = poverty.poverty_index(iris["rate"])
    qpv_layer, iris["qpv"] = qpv.build_qpv(iris, iris["rate"], stream(seed, "qpv"))
    step(f"geography: {len(communes)} communes, {len(iris)} IRIS, {len(qpv_layer)} QPV")

    residences = stock.build_residences(iris, scale, RPLS_YEARS, stream(seed, "residences"))
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

        poverty_by_iris = iris.set_index("CODE_IRIS")["p"]
        vintages = {}
        rpls_rng = stream(seed, "rpls")
        for year in RPLS_YEARS:
            vintages[year] = rpls.rpls_vintage(
                year, dwellings, residences, occupation[year], rpls_rng
            )
            write_csv(vintages[year], work / "rpls" / f"RPLS_{year}.csv")
            counts[f"RPLS_{year}"] = len(vintages[year])
        step("RPLS written: " + ", ".join(f"{y}: {len(v)}" for y, v in vintages.items()))
        for year in OPS_YEARS:
            households = ops.ops_vintage(
                year, vintages[max(year, RPLS_YEARS[0])], poverty_by_iris, seed
            )
            write_csv(households, work / "ops" / f"OPS_{year}.csv")
            counts[f"OPS_{year}"] = len(households)
        step("OPS written")

        sne_rng = stream(seed, "sne")
        commune_stock = _commune_stock(vintages[RPLS_YEARS[0]], iris)
        for year in SNE_YEARS:
            table = sne.sne_year(year, commune_stock, scale, sne_rng)
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
        step("SNE, Filosofi, BPE, GTFS written")

        manifest = {
            "generator": "data.demo",
            "seed": seed,
            "epci": epci,
            "scale": scale,
            "vintages": {
                "rpls": RPLS_YEARS,
                "ops": OPS_YEARS,
                "sne": SNE_YEARS,
                "filosofi": [FILOSOFI_YEAR],
                "bpe": [BPE_YEAR],
            },
            "row_counts": counts,
        }
        (work / "demo.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        (work / ".complete").write_text("")
    step(f"done: {out}")
    return counts


def _commune_stock(first_rpls: pd.DataFrame, iris: pd.DataFrame) -> pd.DataFrame:
    """Per commune: social dwellings, share in QPV, mean poverty index (SNE weights)."""
    communes = iris.groupby("INSEE_COM").agg(p=("p", "mean")).reset_index()
    grouped = first_rpls.assign(in_qpv=first_rpls["QPV"] != "").groupby("DEPCOM")
    dwellings = grouped.size().rename("dwellings")
    qpv_share = grouped["in_qpv"].mean().rename("qpv_share")
    table = communes.rename(columns={"INSEE_COM": "DEPCOM"}).set_index("DEPCOM")
    table = table.join(dwellings).join(qpv_share).fillna({"dwellings": 0, "qpv_share": 0.0})
    return table.reset_index().astype({"dwellings": np.int64})
