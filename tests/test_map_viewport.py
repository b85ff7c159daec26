"""The residence layer of the area in view: the area query, grid clusters, their secrecy."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pyproj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callbacks.map_viewport import requested_area
from data.store.store import Store
from data.store.viewport import AreaResidences
from data.store.viewport_types import Area, AreaContent, GridCluster
from layouts.map_clusters import area_collection, cell_metres, cluster_label

MEL_AREA = Area(2.7, 50.4, 3.4, 50.9)
LILLE_CENTRE = Area(3.05, 50.62, 3.08, 50.64)


def residences_frame(demo_warehouse: Path) -> pd.DataFrame:
    return (
        duckdb.connect()
        .execute(
            "SELECT * FROM read_parquet(?) WHERE lon IS NOT NULL",
            [str(demo_warehouse / "residences.parquet")],
        )
        .df()
    )


def test_the_warehouse_holds_lambert_93_coordinates(demo_warehouse: Path) -> None:
    table = residences_frame(demo_warehouse)
    to_l93 = pyproj.Transformer.from_crs(4326, 2154, always_xy=True)
    x, y = to_l93.transform(table["lon"].to_numpy(), table["lat"].to_numpy())
    assert (abs(x - table["x_l93"]) <= 1).all() and (abs(y - table["y_l93"]) <= 1).all()


def test_an_area_under_the_budget_sends_each_of_its_residences(
    store: Store, demo_warehouse: Path
) -> None:
    table = residences_frame(demo_warehouse)
    inside = table[
        table["lon"].between(LILLE_CENTRE.west, LILLE_CENTRE.east)
        & table["lat"].between(LILLE_CENTRE.south, LILLE_CENTRE.north)
    ]
    content = store.residences_in_area(LILLE_CENTRE, budget=len(inside), cell_metres=1000)
    assert content.clusters == ()
    assert sorted(p.code for p in content.points) == sorted(inside["residence_id"]) != []
    order = store.map_order("residence")
    # each point keeps its place in the map order: the hideout colours it by position
    features = area_collection(content)["features"]
    assert all(order[f["properties"]["i"]] == f["properties"]["code"] for f in features)
    assert len(features) < len(order) / 5


def test_above_the_budget_every_residence_is_in_one_cluster_or_point(
    store: Store, demo_warehouse: Path
) -> None:
    table = residences_frame(demo_warehouse)
    cell = cell_metres(10)
    content = store.residences_in_area(MEL_AREA, budget=2000, cell_metres=cell)
    assert content.clusters and len(content.clusters) + len(content.points) < 100
    assert sum(c.residences for c in content.clusters) + len(content.points) == len(table)
    # each cluster: the residences of one Lambert-93 square and their published dwellings
    table["cell"] = list(zip(table["x_l93"] // cell, table["y_l93"] // cell, strict=True))
    cells = table.groupby("cell").agg(
        residences=("residence_id", "size"),
        dwellings=("n_dwellings", "sum"),
        lon=("lon", "mean"),
        lat=("lat", "mean"),
    )
    expected = {
        (int(row.residences), int(row.dwellings), round(row.lon, 6), round(row.lat, 6))
        for row in cells.itertuples()
        if row.residences > 1
    }
    assert {
        (c.residences, c.dwellings, round(c.lon, 6), round(c.lat, 6)) for c in content.clusters
    } == expected


def bare_store(rows: list[tuple]) -> AreaResidences:
    """The area queries over a `residences` table of `rows`, which may hold what the
    warehouse never does: the dwellings of a secret residence."""
    queries = AreaResidences.__new__(AreaResidences)
    queries._connection = duckdb.connect(":memory:")
    queries._connection.execute(
        "CREATE TABLE residences (residence_id VARCHAR, name VARCHAR, size_class VARCHAR, "
        "secret BOOLEAN, n_dwellings INTEGER, lon DOUBLE, lat DOUBLE, x_l93 DOUBLE, "
        "y_l93 DOUBLE)"
    )
    queries._connection.executemany(
        "INSERT INTO residences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    return queries


residence_rows = st.lists(
    st.tuples(
        st.booleans(),  # secret
        st.integers(1, 400),  # dwellings
        st.integers(0, 3),  # column of the grid
        st.integers(0, 3),  # row
    ),
    min_size=2,
    max_size=40,
)


def world(rows: list[tuple[bool, int, int, int]], hidden: list[int]) -> list[tuple]:
    """Residences on a 4 × 4 grid of 1 km squares; `hidden`: the dwellings given to the
    secret ones (what an attacker would try to learn)."""
    return [
        (
            f"R{n:03d}",
            f"Résidence {n}",
            None if secret else "11-49",
            secret,
            hidden[n % len(hidden)] if secret else dwellings,
            3.0 + column / 100 + n / 10_000,
            50.0 + row / 100,
            700_000 + column * 1000 + 10 + n,
            7_000_000 + row * 1000 + 10,
        )
        for n, (secret, dwellings, column, row) in enumerate(rows)
    ]


@settings(max_examples=25, deadline=None)
@given(rows=residence_rows, first=st.lists(st.integers(0, 10), min_size=1, max_size=5))
def test_clusters_tell_nothing_of_a_secret_residence(
    rows: list[tuple[bool, int, int, int]], first: list[int]
) -> None:
    """Clusters are a function of what is published alone: two worlds that differ only
    by the secret residences' dwellings give the same clusters, so no hidden value can
    be recovered (nor bounded) from clusters and published values together; the
    dwellings of a cluster are the sum of its published residences' dwellings."""
    area = Area(2.9, 49.9, 3.2, 50.2)

    def content(hidden: list[int]) -> AreaContent:
        return bare_store(world(rows, hidden)).residences_in_area(area, 0, 1000)

    seen = content(first)
    assert seen == content([value + 7 for value in first]) == content([0])
    cells: dict[tuple[int, int], list[tuple[bool, int]]] = {}
    for secret, dwellings, column, row in rows:
        cells.setdefault((column, row), []).append((secret, dwellings))
    shared = [members for members in cells.values() if len(members) > 1]
    assert sorted((c.residences, c.dwellings, c.unpublished) for c in seen.clusters) == sorted(
        (
            len(members),
            sum(dwellings for secret, dwellings in members if not secret),
            sum(1 for secret, _ in members if secret),
        )
        for members in shared
    )
    assert len(seen.points) == len(cells) - len(shared)


def test_a_cluster_says_its_counts_in_french() -> None:
    cluster = GridCluster(1234, 45678, 3, 3.0, 50.0, Area(3.0, 50.0, 3.1, 50.1))
    assert cluster_label(cluster) == (
        "1\u00a0234 résidences, 45\u00a0678 logements publiés (dont 3 résidences au secret "
        "statistique, logements non comptés)"
    )
    feature = area_collection(AreaContent((), (cluster,)))["features"][0]
    assert feature["properties"]["cluster"] is True
    assert "code" not in feature["properties"]  # a click on it selects nothing


def test_a_grid_cell_halves_with_each_zoom_level() -> None:
    assert cell_metres(10) == pytest.approx(2 * cell_metres(11))
    assert 5_000 < cell_metres(10) < 15_000 and 50 < cell_metres(17) < 120


@pytest.mark.parametrize(
    "area",
    [
        None,
        "3,50,4,51",
        {"west": 3, "south": 50, "east": 2, "north": 51, "zoom": 12},
        {"west": 3, "south": 50, "east": 4, "north": 51},
        {"west": math.nan, "south": 50, "east": 4, "north": 51, "zoom": 12},
        {"west": "3", "south": 50, "east": 4, "north": 51, "zoom": 12},
    ],
)
def test_what_is_not_an_area_asks_for_nothing(area: object) -> None:
    assert requested_area(area) is None


def test_an_area_is_read_with_its_zoom_bounded() -> None:
    area = {"west": 3.0, "south": 50.5, "east": 3.2, "north": 50.7, "zoom": 40}
    assert requested_area(area) == (Area(3.0, 50.5, 3.2, 50.7), 20)
