"""Demo IRIS: the real communes, partitioned into plausible IRIS, and point sampling.

Communes under 10 000 inhabitants stay one IRIS `<code>0000` of type Z. Larger ones are
cut into about one IRIS per 2 000 inhabitants: Voronoi cells of seeded points (relaxed a
few times so the cells look like neighbourhoods), clipped to the commune, so that the
IRIS of a commune cover it exactly.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.places import QUARTERS
from data.reference.extract import reference_path
from data.territory import Territory

LAMBERT93 = "EPSG:2154"
WGS84 = "EPSG:4326"
SPLIT_POPULATION = 10_000
INHABITANTS_PER_IRIS = 2_000
# IRIS numbers have 4 digits, quarter then rank in it: at most 99 quarters (Marseille has
# about 430 IRIS, Paris 1 050).
MAX_QUARTERS = 99
RELAXATION_STEPS = 4
COMMUNE_COLUMNS = [
    "code", "name", "population", "epci_code", "dep_code", "dep_name", "reg_code",
    "reg_name", "geometry",
]  # fmt: skip
COMPASS = ("Est", "Nord-Est", "Nord", "Nord-Ouest", "Ouest", "Sud-Ouest", "Sud", "Sud-Est")


def load_communes(territory: Territory) -> gpd.GeoDataFrame:
    """The real communes of the territory (code, name, population, their EPCI's code,
    their département's and region's codes and names), in Lambert-93."""
    path = reference_path(territory)
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: no reference communes for {territory}; "
            f"run `python -m data.reference.extract --territory {territory}` first"
        )
    communes = gpd.read_file(path).to_crs(LAMBERT93)
    communes = communes[COMMUNE_COLUMNS]
    return communes.sort_values("code").reset_index(drop=True)


def sample_in_polygon(
    polygon: shapely.Geometry,
    n: int,
    rng: np.random.Generator,
    centre: tuple[float, float] | None = None,
    spread: float | None = None,
) -> np.ndarray:
    """n points inside polygon: uniform, or Gaussian around centre (std spread), (n, 2)."""
    if n == 0:
        return np.empty((0, 2))
    xmin, ymin, xmax, ymax = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    count = 0
    for _ in range(200):
        batch = max(4 * (n - count), 16)
        if centre is None:
            xy = np.column_stack([rng.uniform(xmin, xmax, batch), rng.uniform(ymin, ymax, batch)])
        else:
            xy = rng.normal(centre, spread, size=(batch, 2))
        xy = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]
        found.append(xy)
        count += len(xy)
        if count >= n:
            return np.concatenate(found)[:n]
    if centre is not None:
        return sample_in_polygon(polygon, n, rng)
    raise RuntimeError("could not sample points inside a polygon")


def _voronoi_cells(commune: shapely.Geometry, n: int, rng: np.random.Generator) -> list:
    """n cells covering commune exactly (Lloyd-relaxed Voronoi diagram, clipped)."""
    seeds = sample_in_polygon(commune, n, rng)
    envelope = shapely.box(*commune.buffer(1000).bounds)
    for step in range(RELAXATION_STEPS + 1):
        diagram = shapely.voronoi_polygons(
            shapely.MultiPoint(seeds), extend_to=envelope, ordered=True
        )
        cells = [_polygonal(shapely.intersection(cell, commune)) for cell in diagram.geoms]
        if step == RELAXATION_STEPS:
            return cells
        centroids = shapely.centroid(cells)
        inside = shapely.contains(commune, centroids)
        surface = shapely.point_on_surface(cells)
        moved = np.where(inside, centroids, surface)
        seeds = shapely.get_coordinates(moved)
    return cells


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygon parts of a clipping result, as one (multi)polygon."""
    parts = [
        part
        for part in shapely.get_parts(shapely.make_valid(geometry))
        if shapely.get_type_id(part) in (3, 6)
    ]
    return (
        shapely.multipolygons([p for part in parts for p in shapely.get_parts(part)])
        if len(parts) != 1 or shapely.get_type_id(parts[0]) != 3
        else parts[0]
    )


def quarters_lambert() -> pd.DataFrame:
    quarters = pd.DataFrame(QUARTERS)
    points = gpd.GeoSeries(gpd.points_from_xy(quarters["lon"], quarters["lat"]), crs=WGS84)
    points = points.to_crs(LAMBERT93)
    quarters["x"] = points.x.to_numpy()
    quarters["y"] = points.y.to_numpy()
    return quarters


def _compass_quarters(centres: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
    """Quarters of about 4 IRIS: a centre, then sectors named by compass direction."""
    n_sectors = min(MAX_QUARTERS - 1, max(2, round(len(centres) / 3.5) - 1))
    middle = centres.mean(axis=0)
    offset = centres - middle
    radius = np.hypot(offset[:, 0], offset[:, 1])
    central = radius <= np.quantile(radius, 1 / (n_sectors + 1))
    angle = np.arctan2(offset[:, 1], offset[:, 0]) % (2 * np.pi)
    sector = np.minimum((angle / (2 * np.pi) * n_sectors).astype(int), n_sectors - 1)
    quarter = np.where(central, 0, 1 + sector)
    labels = ["Centre"]
    for q in range(1, n_sectors + 1):
        members = quarter == q
        mean_angle = (
            np.degrees(np.arctan2(np.sin(angle[members]).sum(), np.cos(angle[members]).sum()))
            if members.any()
            else 0.0
        )
        label = f"{name} {COMPASS[int(((mean_angle % 360) + 22.5) // 45) % 8]}"
        labels.append(label if label not in labels else f"{label} {q}")
    return quarter, labels


def _name_cells(
    code: str, name: str, cells: list, quarters: pd.DataFrame
) -> tuple[list[str], list[str]]:
    """IRIS numbers ('0101': quarter 01, IRIS 01) and names for the cells of one commune."""
    centres = shapely.get_coordinates(shapely.point_on_surface(cells))
    known = quarters[quarters["commune"] == code]
    if len(known) >= max(3, len(cells) / 12):
        labels = list(known["name"])
        distance = np.hypot(
            centres[:, :1] - known["x"].to_numpy()[None, :],
            centres[:, 1:] - known["y"].to_numpy()[None, :],
        )
        quarter = distance.argmin(axis=1)
    else:
        quarter, labels = _compass_quarters(centres, name)
    numbers, names = [""] * len(cells), [""] * len(cells)
    used = sorted(set(quarter))
    for rank, q in enumerate(used, start=1):
        members = np.flatnonzero(quarter == q)
        # Number the IRIS of a quarter from north-west to south-east, like a reader would.
        members = members[np.argsort(-centres[members, 1] + centres[members, 0])]
        for k, index in enumerate(members, start=1):
            numbers[index] = f"{rank:02d}{k:02d}"
            names[index] = labels[q] if len(members) == 1 else f"{labels[q]} {k}"
    return numbers, names


def build_iris(communes: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The IRIS layer: CODE_IRIS, INSEE_COM, NOM_COM, IRIS, NOM_IRIS, TYP_IRIS, population,
    and the commune's epci_code."""
    quarters = quarters_lambert()
    rows: list[dict] = []
    for commune in communes.itertuples(index=False):
        if commune.population < SPLIT_POPULATION:
            rows.append(
                {
                    "INSEE_COM": commune.code,
                    "NOM_COM": commune.name,
                    "epci_code": commune.epci_code,
                    "IRIS": "0000",
                    "NOM_IRIS": commune.name,
                    "TYP_IRIS": "Z",
                    "population": int(commune.population),
                    "geometry": commune.geometry,
                }
            )
            continue
        n = max(2, round(commune.population / INHABITANTS_PER_IRIS))
        cells = _voronoi_cells(commune.geometry, n, rng)
        numbers, names = _name_cells(commune.code, commune.name, cells, quarters)
        weights = rng.lognormal(0.0, 0.2, n)
        population = _split_total(commune.population, weights)
        # The largest, emptiest cells of big communes are activity or miscellaneous IRIS.
        areas = shapely.area(cells)
        kind = np.full(n, "H", dtype=object)
        if n >= 8:
            big = np.argsort(-areas)[: max(1, n // 25)]
            kind[big] = rng.choice(["A", "D"], size=len(big), p=[0.6, 0.4])
            population[big] = np.minimum(population[big], rng.integers(150, 600, len(big)))
            population = _split_total(commune.population, population.astype(float))
        for i in range(n):
            rows.append(
                {
                    "INSEE_COM": commune.code,
                    "NOM_COM": commune.name,
                    "epci_code": commune.epci_code,
                    "IRIS": numbers[i],
                    "NOM_IRIS": names[i],
                    "TYP_IRIS": kind[i],
                    "population": int(population[i]),
                    "geometry": cells[i],
                }
            )
    iris = gpd.GeoDataFrame(rows, geometry="geometry", crs=LAMBERT93)
    iris.insert(0, "CODE_IRIS", iris["INSEE_COM"] + iris["IRIS"])
    return iris.sort_values("CODE_IRIS").reset_index(drop=True)


def _split_total(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to weights that add up to total."""
    raw = total * weights / weights.sum()
    whole = np.floor(raw).astype(int)
    whole[np.argsort(whole - raw)[: total - whole.sum()]] += 1
    return whole
